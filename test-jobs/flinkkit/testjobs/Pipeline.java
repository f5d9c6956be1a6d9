package flinkkit.testjobs;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A job of exactly {@code --vertices N} vertices (job graph nodes) that runs until stopped: a
 * rate-limited source, then N - 1 pass-through stages {@code stage 1} … {@code stage N-1}, each its
 * own chain; the last prints every 1000th record as {@code pipeline seq=<n>}. For measuring what a
 * call costs per vertex.
 *
 * <p>Arguments: {@code --vertices N} (default 2, at least 1), {@code --rate R} (default 10).
 */
public final class Pipeline {
    private Pipeline() {}

    public static void main(String[] args) throws Exception {
        Args a = new Args("pipeline", args, "vertices", "rate");
        long vertices = a.getLong("vertices", 2, 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataGeneratorSource<Long> source = new DataGeneratorSource<>(
                new KeyedCounter.Sequence(), Long.MAX_VALUE, RateLimiterStrategy.perSecond(a.getLong("rate", 10, 1)), Types.LONG);
        DataStream<Long> stream = env.fromSource(source, WatermarkStrategy.noWatermarks(), "source").uid("source");
        for (int i = 1; i < vertices; i++) {
            stream = stream.map(new Pass()).uid("stage-" + i).name("stage " + i).startNewChain();
        }
        stream.filter(seq -> seq % 1000 == 0).name("every 1000th").map(seq -> "pipeline seq=" + seq).returns(Types.STRING).print().name("print");
        env.execute("flink-kit pipeline");
    }

    static final class Pass implements MapFunction<Long, Long> {
        @Override
        public Long map(Long seq) {
            return seq;
        }
    }
}
