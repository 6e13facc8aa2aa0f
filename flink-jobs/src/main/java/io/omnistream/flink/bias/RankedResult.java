package io.omnistream.flink.bias;

import java.io.Serializable;
import java.util.Objects;

/**
 * One retrieved candidate of a query: its id, the modality of the candidate's content and the similarity score.
 * Immutable, serializable value (input only; not kept in state).
 *
 * @param candidateId candidate item id; not blank
 * @param modality    one of {@link Modalities#ALL}
 * @param score       similarity (cosine for dense models; higher is more similar); not NaN. {@code -0.0} is stored as
 *                    {@code 0.0} so that the two compare as a tie, as in the quality job's {@code ScoredCandidate}
 */
public record RankedResult(String candidateId, String modality, double score) implements Serializable {
    public RankedResult {
        Objects.requireNonNull(candidateId, "candidateId");
        if (candidateId.isBlank()) {
            throw new IllegalArgumentException("candidate id must not be blank");
        }
        Modalities.require(modality, "modality of candidate '" + candidateId + "'");
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("score of candidate '" + candidateId + "' is NaN");
        }
        score = score + 0.0;
    }
}
