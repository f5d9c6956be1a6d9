package flinkkit.testjobs;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.Map;

/**
 * A stateful job that runs until stopped: a rate-limited, checkpointed sequence 0, 1, 2, … keyed by
 * {@code seq % keys}; each key's count lives in keyed state. Every record prints one line to the
 * TaskManagers' stdout:
 *
 * <pre>{@code <tag> key=<k> count=<c> seq=<n>}</pre>
 *
 * <p>Across a stop-with-savepoint and a restart from it (at any parallelism) each key's counts go on
 * 1, 2, 3, … with no gap and no repeat, and no {@code seq} appears twice: exactly-once, checkable
 * from the output. Operator uids ({@code sequence}, {@code count}, {@code print}) are stable.
 *
 * <p>Arguments: {@code --keys K} (default 8), {@code --rate R} records per second for the whole job
 * (default 20), {@code --tag T} (default {@code counter}), {@code --checkpoint-interval MS} (default
 * 1000; 0 keeps the cluster's setting), {@code --source-parallelism N} (default: the job's; N pins the
 * source at N subtasks and N splits, e.g. 1 so that an in-place rescale moves only the keyed state:
 * the sequence splits by the source's first parallelism, and a reader given several splits after a
 * downscale reads one of them until it ends).
 */
public final class KeyedCounter {
    private KeyedCounter() {}

    public static void main(String[] args) throws Exception {
        run(
                new Args("keyed-counter", args, "keys", "rate", "tag", "checkpoint-interval", "source-parallelism"),
                "flink-kit keyed-counter",
                -1,
                -1);
    }

    /**
     * Builds and runs the pipeline. {@code failAfter >= 0} makes each counter subtask throw after that many
     * records; {@code restarts >= 0} sets the job's restart strategy (0: none), -1 keeps the cluster's.
     */
    static void run(Args a, String jobName, long failAfter, long restarts) throws Exception {
        long keys = a.getLong("keys", 8, 1);
        long rate = a.getLong("rate", 20, 1);
        String tag = a.get("tag", "counter");
        long interval = a.getLong("checkpoint-interval", 1000, 0);
        long sourceParallelism = a.getLong("source-parallelism", 0, 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (interval > 0) {
            env.enableCheckpointing(interval);
        }
        if (restarts >= 0) {
            // Set through configuration: RestartStrategies is gone in Flink 2.0.
            env.configure(Configuration.fromMap(restarts == 0
                    ? Map.of("restart-strategy.type", "none")
                    : Map.of(
                            "restart-strategy.type", "fixed-delay",
                            "restart-strategy.fixed-delay.attempts", Long.toString(restarts),
                            "restart-strategy.fixed-delay.delay", "1 s")));
        }
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(new Sequence(), Long.MAX_VALUE, RateLimiterStrategy.perSecond(rate), Types.LONG);
        DataStreamSource<Long> sequence = env.fromSource(source, WatermarkStrategy.noWatermarks(), "sequence");
        if (sourceParallelism > 0) {
            sequence.setParallelism((int) sourceParallelism).setMaxParallelism((int) sourceParallelism);
        }
        sequence.uid("sequence")
                .keyBy(new Modulo(keys))
                .process(new Count(tag, failAfter))
                .uid("count")
                .name("count")
                .print()
                .uid("print")
                .name("print");
        env.execute(jobName);
    }

    static final class Sequence implements GeneratorFunction<Long, Long> {
        @Override
        public Long map(Long index) {
            return index;
        }
    }

    static final class Modulo implements KeySelector<Long, Long> {
        private final long keys;

        Modulo(long keys) {
            this.keys = keys;
        }

        @Override
        public Long getKey(Long seq) {
            return seq % keys;
        }
    }

    static final class Count extends KeyedProcessFunction<Long, Long, String> {
        private final String tag;
        private final long failAfter;
        private transient ValueState<Long> count;
        private transient long seen;

        Count(String tag, long failAfter) {
            this.tag = tag;
            this.failAfter = failAfter;
        }

        @Override
        public void processElement(Long seq, Context ctx, Collector<String> out) throws Exception {
            // State is looked up here, not in open(): open's signature differs between Flink 1.x and 2.x.
            if (count == null) {
                count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
            }
            if (failAfter >= 0 && seen++ >= failAfter) {
                throw new ExpectedFailure("fail-after: failing on purpose after " + failAfter + " records (--records " + failAfter + ")");
            }
            Long previous = count.value();
            long next = (previous == null ? 0 : previous) + 1;
            count.update(next);
            out.collect(tag + " key=" + ctx.getCurrentKey() + " count=" + next + " seq=" + seq);
        }
    }
}
