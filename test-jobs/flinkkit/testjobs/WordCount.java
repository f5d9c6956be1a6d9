package flinkkit.testjobs;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * Bounded word count over a built-in text, read by a parallel source ({@code fromSequence}), so every
 * operator runs at the job's parallelism. Prints {@code (word,count)} lines to the TaskManagers' stdout;
 * the last line of a word carries its total, which is its count in {@link #TEXT} times {@code --repeat}.
 *
 * <p>Arguments: {@code --repeat N} (default 1), {@code --execution-mode STREAMING|BATCH|AUTOMATIC}.
 */
public final class WordCount {
    /** Five lines, 54 words (34 different); "the" occurs 9 times, "count" 4, "every" 3, "key" 2, "upgrade" 1. */
    static final String[] TEXT = {
        "The quick stream carries every record to the next operator",
        "A checkpoint is a promise that the state can come back",
        "The savepoint is the checkpoint you keep for the upgrade",
        "Every key keeps its count and every count keeps its key",
        "Restart the job and the count goes on where the count stopped",
    };

    private WordCount() {}

    public static void main(String[] args) throws Exception {
        Args a = new Args("word-count", args, "repeat", "execution-mode");
        long repeat = a.getLong("repeat", 1, 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        String mode = a.get("execution-mode", null);
        if (mode != null) {
            env.setRuntimeMode(RuntimeExecutionMode.valueOf(mode));
        }
        env.fromSequence(0, TEXT.length * repeat - 1)
                .name("lines")
                .flatMap(new Tokenizer())
                .name("tokenize")
                .keyBy(new Word())
                .sum(1)
                .name("count")
                .print()
                .name("print");
        env.execute("flink-kit word-count");
    }

    /** Line number -> (word, 1) for each word of that line of the text. */
    static final class Tokenizer implements FlatMapFunction<Long, Tuple2<String, Integer>> {
        @Override
        public void flatMap(Long line, Collector<Tuple2<String, Integer>> out) {
            for (String word : TEXT[(int) (line % TEXT.length)].toLowerCase().split("\\W+")) {
                if (!word.isEmpty()) {
                    out.collect(Tuple2.of(word, 1));
                }
            }
        }
    }

    static final class Word implements KeySelector<Tuple2<String, Integer>, String> {
        @Override
        public String getKey(Tuple2<String, Integer> value) {
            return value.f0;
        }
    }
}
