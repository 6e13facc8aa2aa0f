package io.omnistream.quality.view;

import io.omnistream.schemas.quality.QualityVocabulary;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * How replay reports order and name what they take from {@code quality.metrics.v1}; the record vocabulary itself is
 * {@link QualityVocabulary}.
 */
public final class QualityMetricNames {
    /** Report key of the query count, after the metrics. */
    public static final String QUERIES = "queries";

    private QualityMetricNames() {}

    /**
     * The given metric names in report order: {@link QualityVocabulary#RETRIEVAL_METRICS}, then
     * {@link QualityVocabulary#SERVED_ONLY_METRICS}, then any other name in alphabetical order (a metric added to the job later is reported, not dropped). Names not given are left out.
     */
    public static List<String> reportOrder(Collection<String> present) {
        List<String> ordered = new ArrayList<>(present.size());
        for (List<String> known : List.of(QualityVocabulary.RETRIEVAL_METRICS, QualityVocabulary.SERVED_ONLY_METRICS)) {
            known.stream().filter(present::contains).forEach(ordered::add);
        }
        TreeSet<String> others = new TreeSet<>(present);
        others.removeAll(QualityVocabulary.RETRIEVAL_METRICS);
        others.removeAll(QualityVocabulary.SERVED_ONLY_METRICS);
        ordered.addAll(others);
        return ordered;
    }
}
