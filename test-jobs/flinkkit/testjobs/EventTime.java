package flinkkit.testjobs;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * An event-time job: each record's event time is the wall-clock time it was made minus
 * {@code --lag-ms}, watermarks allow 1 s of out-of-orderness, and {@code per second} counts the
 * records of each key per event-time second with timers, printing
 * {@code event-time key=<k> second=<s> count=<c>}. The watermark therefore trails the wall clock by
 * a little more than {@code --lag-ms}. The source reports a backlog as its pending records (the
 * connector metric {@code pendingRecords}): {@code --backlog N} minus the records each reader emitted.
 *
 * <p>Arguments: {@code --lag-ms MS} (default 0), {@code --rate R} (default 20), {@code --keys K}
 * (default 4), {@code --backlog N} (default 1000000).
 */
public final class EventTime {
    private EventTime() {}

    public static void main(String[] args) throws Exception {
        Args a = new Args("event-time", args, "lag-ms", "rate", "keys", "backlog");
        long lagMs = a.getLong("lag-ms", 0, 0);
        long keys = a.getLong("keys", 4, 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataGeneratorSource<Long> source = new DataGeneratorSource<>(
                new LaggingClock(lagMs, a.getLong("backlog", 1_000_000, 0)),
                Long.MAX_VALUE,
                RateLimiterStrategy.perSecond(a.getLong("rate", 20, 1)),
                Types.LONG);
        WatermarkStrategy<Long> watermarks =
                WatermarkStrategy.<Long>forBoundedOutOfOrderness(Duration.ofSeconds(1)).withTimestampAssigner((time, previous) -> time);
        env.fromSource(source, watermarks, "events")
                .uid("events")
                .keyBy(new KeyedCounter.Modulo(keys))
                .process(new PerSecond())
                .uid("per-second")
                .name("per second")
                .print()
                .uid("print")
                .name("print");
        env.execute("flink-kit event-time");
    }

    /** Makes event times (wall clock minus the lag) and reports the rest of a backlog as pending records. */
    static final class LaggingClock implements GeneratorFunction<Long, Long> {
        private final long lagMs;
        private final long backlog;
        private transient long emitted;

        LaggingClock(long lagMs, long backlog) {
            this.lagMs = lagMs;
            this.backlog = backlog;
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            readerContext.metricGroup().setPendingRecordsGauge(() -> Math.max(0, backlog - emitted));
        }

        @Override
        public Long map(Long index) {
            emitted++;
            return System.currentTimeMillis() - lagMs;
        }
    }

    static final class PerSecond extends KeyedProcessFunction<Long, Long, String> {
        private transient ValueState<Long> count;

        @Override
        public void processElement(Long time, Context ctx, Collector<String> out) throws Exception {
            if (count == null) {
                count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
            }
            Long previous = count.value();
            count.update((previous == null ? 0 : previous) + 1);
            ctx.timerService().registerEventTimeTimer(time - time % 1000 + 999);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) throws Exception {
            Long n = count.value();
            if (n != null) {
                out.collect("event-time key=" + ctx.getCurrentKey() + " second=" + timestamp / 1000 + " count=" + n);
                count.clear();
            }
        }
    }
}
