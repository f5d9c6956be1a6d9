package flinkkit.testjobs;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A job whose sink is slow by design, so that it backpressures the whole pipeline: a fast source
 * ({@code fast source}, {@code --rate} records per second) behind a keyBy feeds {@code slow sink},
 * which sleeps {@code --sleep-ms} per record. The source vertex is backpressured nearly all the time
 * and the sink vertex busy nearly all the time: the sink is the bottleneck. Every 1000th record
 * prints {@code slow-sink seq=<n>}.
 *
 * <p>Arguments: {@code --rate R} (default 5000), {@code --sleep-ms MS} (default 20), {@code --keys K}
 * (default 8).
 */
public final class SlowSink {
    private SlowSink() {}

    public static void main(String[] args) throws Exception {
        Args a = new Args("slow-sink", args, "rate", "sleep-ms", "keys");
        long rate = a.getLong("rate", 5000, 1);
        long sleepMs = a.getLong("sleep-ms", 20, 0);
        long keys = a.getLong("keys", 8, 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(new KeyedCounter.Sequence(), Long.MAX_VALUE, RateLimiterStrategy.perSecond(rate), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "fast source")
                .uid("fast-source")
                .keyBy(new KeyedCounter.Modulo(keys))
                .process(new Slow(sleepMs))
                .uid("slow-sink")
                .name("slow sink")
                .print()
                .uid("print")
                .name("print");
        env.execute("flink-kit slow-sink");
    }

    static final class Slow extends KeyedProcessFunction<Long, Long, String> {
        private final long sleepMs;

        Slow(long sleepMs) {
            this.sleepMs = sleepMs;
        }

        @Override
        public void processElement(Long seq, Context ctx, Collector<String> out) throws Exception {
            Thread.sleep(sleepMs);
            if (seq % 1000 == 0) {
                out.collect("slow-sink seq=" + seq);
            }
        }
    }
}
