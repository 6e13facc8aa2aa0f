package io.omnistream.flink.quality.metrics;

import java.util.Objects;

/**
 * One candidate of a query's ranking with its similarity score (cosine for dense models, MaxSim for late
 * interaction; higher is more similar, no unit or range is assumed).
 *
 * @param id    candidate item id; not blank
 * @param score similarity; not NaN. {@code -0.0} is stored as {@code 0.0} so that the two compare as a tie
 */
public record ScoredCandidate(String id, double score) {
    public ScoredCandidate {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("candidate id must not be blank");
        }
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("score of candidate '" + id + "' is NaN");
        }
        // IEEE: -0.0 + 0.0 == +0.0; Double.compare would otherwise order -0.0 below 0.0.
        score = score + 0.0;
    }
}
