package io.omnistream.flink.bias;

import java.io.Serializable;
import java.util.Objects;

/**
 * One value of one bias metric, the unit the Flink job turns into a {@code RetrievalMetric} record (metric,
 * queryModality, targetModality, value, n). Immutable, serializable value.
 *
 * @param metric         one of {@link BiasMetricNames}
 * @param queryModality  first modality of the row (the query modality, or modality A of a pair); null for a row over
 *                       all query modalities. What exactly it means is defined per metric in {@link BiasMetricNames}
 * @param resultModality second modality (result, target, or modality B of a pair); null where the metric has none
 * @param value          the metric value; finite
 * @param count          number of samples the value is computed over (queries, query pairs or vectors, as defined
 *                       per metric in {@link BiasMetricNames}); at least 1
 */
public record BiasMetricRow(String metric, String queryModality, String resultModality, double value, long count)
        implements Serializable {
    public BiasMetricRow {
        Objects.requireNonNull(metric, "metric");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(metric + " = " + value + " is not finite");
        }
        if (count < 1) {
            throw new IllegalArgumentException(metric + " count " + count + " < 1");
        }
    }
}
