package io.omnistream.flink.bias.job;

import io.omnistream.flink.bias.BiasMetricRow;
import io.omnistream.flink.bias.ModalityCentroids;
import io.omnistream.flink.quality.BenchEmbedding;
import io.omnistream.flink.quality.TaskMetric;
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
 * The modality gap per model version and event-time tumbling window over <em>all</em> embeddings (ordinary traffic
 * and benchmark items alike): {@link ModalityCentroids} of the window's vectors, published as records of scope
 * {@value QualityVocabulary#SCOPE_MODALITY_GAP} (epoch and task null, window bounds set): centroid L2 and cosine distance and cross-modality cosine
 * per modality pair, within-modality cosine per modality. Watermarks as the quality job's windows: event time = the
 * source event time, bounded out-of-orderness, idle sources do not hold the watermark back; later vectors are dropped
 * from their window. Memory per open window: {@code 40 d} bytes per model version (d = dimension).
 */
public final class ModalityGapWindows {

    private ModalityGapWindows() {
    }

    /** Centroids of one window and the model of its key (a Flink POJO). */
    public static class GapAccumulator {
        public String modelId;
        public String modelVersion;
        public ModalityCentroids centroids = new ModalityCentroids();
        /** Vectors rejected by {@link ModalityCentroids#add} (another dimension, not unit length). */
        public long rejected;

        public GapAccumulator() {
        }
    }

    public static DataStream<TaskMetric> build(DataStream<BenchEmbedding> embeddings, Duration windowSize,
            Duration outOfOrderness, Duration idleness) {
        return embeddings
                .filter(e -> e.vector != null && e.modality != null)
                .name("gap-vectors")
                .assignTimestampsAndWatermarks(WatermarkStrategy.<BenchEmbedding>forBoundedOutOfOrderness(outOfOrderness)
                        .withTimestampAssigner((e, previous) -> e.eventTimeMs)
                        .withIdleness(idleness))
                .name("embedding-watermarks")
                .keyBy(e -> e.modelVersion, Types.STRING)
                .window(TumblingEventTimeWindows.of(windowSize))
                .aggregate(new Add(), new Emit(), Types.POJO(GapAccumulator.class), Types.POJO(GapAccumulator.class),
                        Types.POJO(TaskMetric.class))
                .name("modality-gap-per-window")
                .uid("modality-gap-per-window");
    }

    static final class Add implements AggregateFunction<BenchEmbedding, GapAccumulator, GapAccumulator> {
        private static final long serialVersionUID = 1L;

        @Override
        public GapAccumulator createAccumulator() {
            return new GapAccumulator();
        }

        @Override
        public GapAccumulator add(BenchEmbedding e, GapAccumulator acc) {
            if (acc.modelId == null) {
                acc.modelId = e.modelId;
                acc.modelVersion = e.modelVersion;
            }
            try {
                acc.centroids.add(e.modality, e.vector);
            } catch (IllegalArgumentException ex) {
                acc.rejected++;
            }
            return acc;
        }

        @Override
        public GapAccumulator getResult(GapAccumulator acc) {
            return acc;
        }

        @Override
        public GapAccumulator merge(GapAccumulator a, GapAccumulator b) {
            if (a.modelId == null) {
                return b;
            }
            if (b.modelId != null) {
                a.centroids.merge(b.centroids);
                a.rejected += b.rejected;
            }
            return a;
        }
    }

    static final class Emit extends ProcessWindowFunction<GapAccumulator, TaskMetric, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String key, Context ctx, Iterable<GapAccumulator> accs, Collector<TaskMetric> out) {
            for (GapAccumulator acc : accs) {
                for (BiasMetricRow row : acc.centroids.results()) {
                    TaskMetric m = new TaskMetric();
                    m.metric = row.metric();
                    m.value = row.value();
                    m.n = row.count();
                    m.scope = QualityVocabulary.SCOPE_MODALITY_GAP;
                    m.queryModality = row.queryModality();
                    m.targetModality = row.resultModality();
                    m.modelId = acc.modelId;
                    m.modelVersion = key;
                    m.path = QualityVocabulary.PATH_EXACT;
                    m.windowStartMs = ctx.window().getStart();
                    m.windowEndMs = ctx.window().getEnd();
                    m.emittedAtMs = ctx.currentProcessingTime();
                    out.collect(m);
                }
            }
        }
    }
}
