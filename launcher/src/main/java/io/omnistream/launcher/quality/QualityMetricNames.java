package io.omnistream.launcher.quality;

import io.omnistream.launcher.evaluate.OfflineMetrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Names and fixed field values of the records on {@code quality.metrics.v1} that this package gives a meaning to.
 * Metric values are means over queries, each in [0, 1], except the recall losses (exact minus served recall, in
 * [-1, 1]) and {@link #NOT_SCORED} (a count of dead-lettered items).
 */
public final class QualityMetricNames {
    /** The retrieval metrics every scored task/path has, in report order (the offline evaluator's order). */
    public static final List<String> RETRIEVAL = OfflineMetrics.NAMES;
    /** Metrics only path "served", scope "task" has: exact minus served recall@k, and the exact top-10 share in the served top-10. */
    public static final List<String> SERVED_ONLY = List.of("recall_loss@1", "recall_loss@5", "recall_loss@10", "ann_overlap@10");
    public static final String RECALL_LOSS_PREFIX = "recall_loss@";
    /** Value = items of the task dead-lettered in the epoch, n = 0, detail = the dead-letter reason. */
    public static final String NOT_SCORED = "not_scored";
    /** The metric whose {@code n} is the number of queries scored for a task/path. */
    public static final String HIT_AT_1 = "hit@1";
    /** Report key of the query count, after the metrics. */
    public static final String QUERIES = "queries";

    public static final String SCOPE_TASK = "task";
    public static final String SCOPE_WINDOW = "window";
    public static final String PATH_EXACT = "exact";
    public static final String PATH_SERVED = "served";
    /** modelId and modelVersion of {@link #NOT_SCORED} records: they concern every model. */
    public static final String ANY_MODEL = "*";

    private QualityMetricNames() {}

    /**
     * The given metric names in report order: {@link #RETRIEVAL}, then {@link #SERVED_ONLY}, then any other name in
     * alphabetical order (a metric added to the job later is reported, not dropped). Names not given are left out.
     */
    public static List<String> reportOrder(Collection<String> present) {
        List<String> ordered = new ArrayList<>(present.size());
        for (List<String> known : List.of(RETRIEVAL, SERVED_ONLY)) {
            known.stream().filter(present::contains).forEach(ordered::add);
        }
        TreeSet<String> others = new TreeSet<>(present);
        others.removeAll(RETRIEVAL);
        others.removeAll(SERVED_ONLY);
        ordered.addAll(others);
        return ordered;
    }
}
