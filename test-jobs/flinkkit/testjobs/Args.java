package flinkkit.testjobs;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} arguments. Unknown names and bad numbers fail in main(), so a typo never passes silently. */
final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final String job;

    Args(String job, String[] args, String... known) {
        this.job = job;
        List<String> names = Arrays.asList(known);
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !names.contains(name) || i + 1 >= args.length) {
                throw new IllegalArgumentException(
                        job + ": unexpected argument '" + args[i] + "'; it takes --" + String.join(" <value>, --", known) + " <value>");
            }
            values.put(name, args[i + 1]);
        }
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    long getLong(String name, long fallback, long min) {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text);
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(job + ": --" + name + " must be a whole number >= " + min + ", got '" + text + "'");
    }
}
