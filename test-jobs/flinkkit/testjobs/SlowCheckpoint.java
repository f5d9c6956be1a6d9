package flinkkit.testjobs;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.Map;

/**
 * A job whose checkpoints fail: its {@code slow snapshot} operator sleeps {@code --snapshot-ms} in
 * every snapshot, longer than the checkpoint timeout ({@code --checkpoint-timeout}), so each
 * checkpoint expires ("Checkpoint expired before completing."). Failed checkpoints are tolerated
 * ({@code --tolerable-failures}), so the job keeps running.
 *
 * <p>Arguments: {@code --snapshot-ms MS} (default 3000), {@code --checkpoint-timeout MS} (default
 * 1000), {@code --checkpoint-interval MS} (default 1000), {@code --tolerable-failures N} (default
 * 1000000), {@code --rate R} (default 20).
 */
public final class SlowCheckpoint {
    private SlowCheckpoint() {}

    public static void main(String[] args) throws Exception {
        Args a = new Args("slow-checkpoint", args, "snapshot-ms", "checkpoint-timeout", "checkpoint-interval", "tolerable-failures", "rate");
        long snapshotMs = a.getLong("snapshot-ms", 3000, 0);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(Configuration.fromMap(Map.of(
                "execution.checkpointing.interval", a.getLong("checkpoint-interval", 1000, 1) + " ms",
                "execution.checkpointing.timeout", a.getLong("checkpoint-timeout", 1000, 1) + " ms",
                "execution.checkpointing.tolerable-failed-checkpoints", Long.toString(a.getLong("tolerable-failures", 1_000_000, 0)))));
        DataGeneratorSource<Long> source = new DataGeneratorSource<>(
                new KeyedCounter.Sequence(), Long.MAX_VALUE, RateLimiterStrategy.perSecond(a.getLong("rate", 20, 1)), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "sequence")
                .uid("sequence")
                .map(new SlowSnapshot(snapshotMs))
                .uid("slow-snapshot")
                .name("slow snapshot")
                .filter(seq -> seq % 1000 == 0)
                .name("every 1000th")
                .print()
                .name("print");
        env.execute("flink-kit slow-checkpoint");
    }

    static final class SlowSnapshot implements MapFunction<Long, Long>, CheckpointedFunction {
        private final long snapshotMs;

        SlowSnapshot(long snapshotMs) {
            this.snapshotMs = snapshotMs;
        }

        @Override
        public Long map(Long seq) {
            return seq;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            Thread.sleep(snapshotMs);
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {}
    }
}
