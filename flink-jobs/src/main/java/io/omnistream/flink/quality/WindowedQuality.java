package io.omnistream.flink.quality;

import io.omnistream.flink.quality.metrics.MetricName;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Quality per event-time window: the mean of each metric over the queries whose embedding event time falls in a
 * tumbling window, per (model version, task, path), published with scope "window", epoch null and the window's
 * bounds. This is the series that drift detection and dashboards watch across epochs ("is today worse than
 * yesterday?"), independent of how replay epochs line up with wall time.
 *
 * <p>Watermarks are derived from the query scores' event times with a bounded out-of-orderness; a window fires when
 * the watermark passes its end, i.e. once later queries arrive. Sources idle for longer than {@code idleness} do not
 * hold the watermark back. Scores later than the out-of-orderness bound are dropped from their window (they still
 * count in the per-epoch task metrics).
 */
public final class WindowedQuality {
    private WindowedQuality() {
    }

    /** Sums of one window plus the labels of its series (a Flink POJO). */
    public static class WindowSums extends MetricSums {
        public String modelId;
        public String modelVersion;
        public String taskId;
        public String metaTask;
        public String queryModality;
        public String targetModality;
        public String path;

        public WindowSums() {
        }
    }

    public static String key(QueryScore s) {
        return String.join("\u0000", s.modelId, s.modelVersion, s.taskId, s.path);
    }

    public static DataStream<TaskMetric> build(DataStream<QueryScore> scores, Duration windowSize,
            Duration outOfOrderness, Duration idleness) {
        return scores
                .assignTimestampsAndWatermarks(WatermarkStrategy.<QueryScore>forBoundedOutOfOrderness(outOfOrderness)
                        .withTimestampAssigner((s, previous) -> s.eventTimeMs)
                        .withIdleness(idleness))
                .name("query-score-watermarks")
                .keyBy(WindowedQuality::key, Types.STRING)
                .window(TumblingEventTimeWindows.of(windowSize))
                .aggregate(new Sum(), new Emit(), Types.POJO(WindowSums.class), Types.POJO(WindowSums.class),
                        Types.POJO(TaskMetric.class))
                .name("quality-per-window")
                .uid("quality-per-window");
    }

    static final class Sum implements AggregateFunction<QueryScore, WindowSums, WindowSums> {
        private static final long serialVersionUID = 1L;

        @Override
        public WindowSums createAccumulator() {
            return new WindowSums();
        }

        @Override
        public WindowSums add(QueryScore s, WindowSums acc) {
            if (acc.taskId == null) {
                acc.modelId = s.modelId;
                acc.modelVersion = s.modelVersion;
                acc.taskId = s.taskId;
                acc.metaTask = s.metaTask;
                acc.queryModality = s.queryModality;
                acc.targetModality = s.targetModality;
                acc.path = s.path;
            }
            acc.add(s.values, s.eventTimeMs);
            return acc;
        }

        @Override
        public WindowSums getResult(WindowSums acc) {
            return acc;
        }

        @Override
        public WindowSums merge(WindowSums a, WindowSums b) {
            if (a.taskId == null) {
                return b;
            }
            a.merge(b);
            return a;
        }
    }

    static final class Emit extends ProcessWindowFunction<WindowSums, TaskMetric, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String key, Context ctx, Iterable<WindowSums> sums, Collector<TaskMetric> out) {
            for (WindowSums s : sums) {
                TaskMetric base = new TaskMetric();
                base.n = s.n;
                base.scope = QualityVocabulary.SCOPE_WINDOW;
                base.taskId = s.taskId;
                base.metaTask = s.metaTask;
                base.queryModality = s.queryModality;
                base.targetModality = s.targetModality;
                base.modelId = s.modelId;
                base.modelVersion = s.modelVersion;
                base.path = s.path;
                base.epoch = null;
                base.windowStartMs = ctx.window().getStart();
                base.windowEndMs = ctx.window().getEnd();
                base.emittedAtMs = ctx.currentProcessingTime();
                for (MetricName name : MetricName.values()) {
                    out.collect(base.withMetric(name.key(), s.mean(name.ordinal())));
                }
            }
        }
    }
}
