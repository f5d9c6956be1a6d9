package flinkkit.testjobs;

/** The exception the fail-after job throws on purpose, so tests can tell it from a real failure. */
public final class ExpectedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ExpectedFailure(String message) {
        super(message);
    }
}
