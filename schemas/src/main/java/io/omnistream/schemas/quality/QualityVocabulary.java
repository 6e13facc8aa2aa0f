package io.omnistream.schemas.quality;

import java.util.List;

/**
 * The fixed string values of {@code RetrievalMetric} records on {@code quality.metrics.v1} (scopes, paths, metric
 * names) and of the {@code primaryMetric} of a {@code Judgment}: the one place they are spelled. The Flink jobs write
 * them, the quality service and the replay report read them, the offline evaluator names its metrics with them.
 *
 * <p>They are strings on the wire, not Avro enums: turning the existing string fields into enums would not be a
 * BACKWARD-compatible schema change (a reader with an enum cannot read the string records already on the topic), and
 * new metrics must be addable without a schema change.
 *
 * <p>Metric values are means over queries, each in [0, 1], except the recall losses (exact minus served recall, in
 * [-1, 1]) and {@link #NOT_SCORED} (a count of dead-lettered items).
 */
public final class QualityVocabulary {
    // scopes: what a record aggregates over
    /** One task of one model version per replay epoch. */
    public static final String SCOPE_TASK = "task";
    /** The tasks of one meta-task (e.g. retrieval, classification) per epoch: mean of the task values. */
    public static final String SCOPE_META_TASK = "meta_task";
    /** The tasks of one query→target modality pair per epoch. */
    public static final String SCOPE_MODALITY_PAIR = "modality_pair";
    /** Every task of one model version per epoch. */
    public static final String SCOPE_MODEL = "model";
    /** One task over one event-time window (epoch null). */
    public static final String SCOPE_WINDOW = "window";
    /** Modality-bias metrics of one model version per epoch (over all tasks, task null, or per task). */
    public static final String SCOPE_MODALITY_BIAS = "modality_bias";
    /** Modality-gap metrics of one model version per event-time window over all embeddings (epoch and task null). */
    public static final String SCOPE_MODALITY_GAP = "modality_gap";
    /**
     * Progress of the drift detectors (not a quality metric): one record each time a detector closes an epoch (or a
     * window) of one series it watches and has tested it. Metric, task, path, modalities, model and epoch (window) are
     * those of the series and the closed epoch; {@code detail} is the series' own scope; value is the detector's
     * statistic after the test. "No alert" means something only for epochs a check record exists for.
     */
    public static final String SCOPE_DRIFT_CHECK = "drift_check";

    // paths: how the ranking was obtained
    /** Exact cosine ranking over the task's whole candidate set. */
    public static final String PATH_EXACT = "exact";
    /** The same query searched in Milvus (ANN index), restricted to the task's candidates. */
    public static final String PATH_SERVED = "served";

    // retrieval metrics per query, averaged over queries (definitions: flink-jobs io.omnistream.flink.quality.metrics)
    public static final String HIT_AT_1 = "hit@1";
    public static final String HIT_AT_5 = "hit@5";
    public static final String HIT_AT_10 = "hit@10";
    public static final String NDCG_AT_5 = "ndcg@5";
    public static final String NDCG_AT_10 = "ndcg@10";
    public static final String NDCG_EXP_AT_5 = "ndcg_exp@5";
    public static final String NDCG_EXP_AT_10 = "ndcg_exp@10";
    public static final String RECALL_AT_1 = "recall@1";
    public static final String RECALL_AT_5 = "recall@5";
    public static final String RECALL_AT_10 = "recall@10";
    public static final String MRR_AT_10 = "mrr@10";
    /** The retrieval metrics every scored task/path has, in report order. */
    public static final List<String> RETRIEVAL_METRICS = List.of(HIT_AT_1, HIT_AT_5, HIT_AT_10, NDCG_AT_5, NDCG_AT_10,
            NDCG_EXP_AT_5, NDCG_EXP_AT_10, RECALL_AT_1, RECALL_AT_5, RECALL_AT_10, MRR_AT_10);

    /** Prefix of the served-path metrics exact recall@k minus served recall@k. */
    public static final String RECALL_LOSS_PREFIX = "recall_loss@";
    /** Share of the exact top 10 that is in the served top 10. */
    public static final String ANN_OVERLAP_AT_10 = "ann_overlap@10";
    /** Metrics only path {@link #PATH_SERVED}, scope {@link #SCOPE_TASK} has, in report order. */
    public static final List<String> SERVED_ONLY_METRICS = List.of(RECALL_LOSS_PREFIX + 1, RECALL_LOSS_PREFIX + 5,
            RECALL_LOSS_PREFIX + 10, ANN_OVERLAP_AT_10);

    /** Value = items of the task dead-lettered in the epoch, n = 0, detail = the dead-letter reason. */
    public static final String NOT_SCORED = "not_scored";
    /** modelId and modelVersion of {@link #NOT_SCORED} records: they concern every model. */
    public static final String ANY_MODEL = "*";

    private QualityVocabulary() {
    }
}
