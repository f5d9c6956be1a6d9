package flinkkit.testjobs;

/**
 * The keyed counter (same operators and uids, so it can start from a keyed-counter savepoint) that
 * throws {@link ExpectedFailure} once a counter subtask has processed {@code --records N} records in
 * this run (default 20): "fail-after: failing on purpose after N records".
 *
 * <p>Arguments: {@code --records N}, {@code --restarts R} (default 0: the job goes to FAILED at the first
 * failure, whatever the cluster's restart strategy), and the keyed counter's {@code --keys}, {@code --rate},
 * {@code --tag}, {@code --checkpoint-interval}.
 */
public final class FailAfter {
    private FailAfter() {}

    public static void main(String[] args) throws Exception {
        Args a = new Args("fail-after", args, "records", "restarts", "keys", "rate", "tag", "checkpoint-interval", "source-parallelism");
        KeyedCounter.run(a, "flink-kit fail-after", a.getLong("records", 20, 0), a.getLong("restarts", 0, 0));
    }
}
