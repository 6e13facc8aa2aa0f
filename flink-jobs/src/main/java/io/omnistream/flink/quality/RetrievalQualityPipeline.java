package io.omnistream.flink.quality;

import io.omnistream.flink.quality.served.ServedSearchFunction;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The retrieval-quality operators between sources and sink (Kafka in production, bounded collections in tests):
 *
 * <pre>
 * embeddings (+ dead letters) ─┐
 *                              ├─ keyBy(task, epoch) → RetrievalQualityFunction ── exact QueryScores ──┐
 * judgments ───────────────────┘        │ not_scored                                │ async Milvus     │
 *                                       │                                  ServedSearchFunction ─ served QueryScores
 *                                       │                   keyBy(model, task, epoch) → TaskAggregateFunction → task metrics
 *                                       │                   keyBy(model, epoch, path) → CrossTaskAggregateFunction → meta-task / modality pair / model
 *                                       │                   keyBy(model, task, path) → event-time windows → window metrics
 *                                       └───────────────────────────────────────────────── all → metrics
 * </pre>
 */
public final class RetrievalQualityPipeline {

    private RetrievalQualityPipeline() {
    }

    /** Optional parts and knobs; the defaults give the exact path only, no TTL, no windows. */
    public static final class Options {
        Duration stateTtl = Duration.ZERO;
        ServedSearchFunction served;
        int servedCapacity = 8;
        Duration servedTimeout = Duration.ofMinutes(6);
        Duration windowSize = Duration.ZERO;
        Duration windowOutOfOrderness = Duration.ofSeconds(30);
        Duration windowIdleness = Duration.ofMinutes(1);

        public Options stateTtl(Duration ttl) {
            this.stateTtl = ttl;
            return this;
        }

        /** Adds the served path; {@code timeout} is the async I/O operator's hard limit per query. */
        public Options served(ServedSearchFunction function, int capacity, Duration timeout) {
            this.served = function;
            this.servedCapacity = capacity;
            this.servedTimeout = timeout;
            return this;
        }

        /** Adds per event-time window metrics; a zero size leaves them out. */
        public Options windows(Duration size, Duration outOfOrderness, Duration idleness) {
            this.windowSize = size;
            this.windowOutOfOrderness = outOfOrderness;
            this.windowIdleness = idleness;
            return this;
        }
    }

    /** The outputs. */
    public static final class Outputs {
        /** One record per query and path (exact, and served when enabled). */
        public final DataStream<QueryScore> queryScores;
        /** Every metric record: task (both paths, recall loss), cross-task aggregates, windows, not_scored. */
        public final DataStream<TaskMetric> metrics;

        Outputs(DataStream<QueryScore> queryScores, DataStream<TaskMetric> metrics) {
            this.queryScores = queryScores;
            this.metrics = metrics;
        }
    }

    /** Exact path only, no TTL, no windows. */
    public static Outputs build(DataStream<BenchEmbedding> embeddings, DataStream<BenchJudgment> judgments) {
        return build(embeddings, judgments, new Options());
    }

    public static Outputs build(DataStream<BenchEmbedding> embeddings, DataStream<BenchJudgment> judgments,
            Options options) {
        SingleOutputStreamOperator<QueryScore> exact = embeddings
                .keyBy(e -> RetrievalQualityFunction.key(e.taskId, e.epoch), Types.STRING)
                .connect(judgments.keyBy(j -> RetrievalQualityFunction.key(j.taskId, j.epoch), Types.STRING))
                .process(new RetrievalQualityFunction(options.stateTtl), Types.POJO(QueryScore.class))
                .name("retrieval-quality-exact")
                .uid("retrieval-quality-exact");
        DataStream<TaskMetric> notScored = exact.getSideOutput(RetrievalQualityFunction.NOT_SCORED);

        DataStream<QueryScore> scores = exact;
        if (options.served != null) {
            DataStream<QueryScore> served = AsyncDataStream.unorderedWait(exact, options.served,
                            options.servedTimeout.toMillis(), TimeUnit.MILLISECONDS, options.servedCapacity)
                    .returns(Types.POJO(QueryScore.class))
                    .name("retrieval-quality-served")
                    .uid("retrieval-quality-served");
            scores = exact.union(served);
        }

        SingleOutputStreamOperator<TaskMetric> taskMetrics = scores
                .keyBy(TaskAggregateFunction::key, Types.STRING)
                .process(new TaskAggregateFunction(options.stateTtl), Types.POJO(TaskMetric.class))
                .name("quality-per-task")
                .uid("quality-per-task");
        DataStream<TaskMetric> crossTask = taskMetrics
                .filter(CrossTaskAggregateFunction::isInput)
                .name("task-scores")
                .keyBy(CrossTaskAggregateFunction::key, Types.STRING)
                .process(new CrossTaskAggregateFunction(), Types.POJO(TaskMetric.class))
                .name("quality-across-tasks")
                .uid("quality-across-tasks");
        DataStream<TaskMetric> metrics = taskMetrics.union(crossTask, notScored);
        if (!options.windowSize.isZero()) {
            metrics = metrics.union(WindowedQuality.build(scores, options.windowSize, options.windowOutOfOrderness,
                    options.windowIdleness));
        }
        return new Outputs(scores, metrics);
    }
}
