package io.omnistream.encoder.postprocess;

import io.omnistream.schemas.avro.Modality;
import java.util.Locale;
import java.util.Objects;

/**
 * Adds {@code value} to every component of the vectors of one modality, then renormalises: a constant shift of that
 * modality along the all-ones direction. It exists to perturb a model on purpose, through configuration (a new
 * model version), to check that the modality-bias drift detectors notice: it widens or narrows the gap between the
 * modality and the others without touching the data. Vectors of other modalities pass unchanged.
 *
 * @param modality the modality shifted
 * @param value    the offset added to each component before renormalising (finite; 0.05 moves a 384-d unit vector
 *                 by about 0.05 * sqrt(384) ≈ 1 before renormalising, a large shift)
 */
public record ModalityOffset(Modality modality, double value) implements PostProcessStep {
    public ModalityOffset {
        Objects.requireNonNull(modality, "modality");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("offset value must be finite, got " + value);
        }
    }

    @Override
    public float[] apply(float[] vector, Modality eventModality) {
        if (eventModality != modality) {
            return vector;
        }
        float add = (float) value;
        for (int i = 0; i < vector.length; i++) {
            vector[i] += add;
        }
        return PostProcessStep.normalise(vector);
    }

    @Override
    public String descriptor() {
        return String.format(Locale.ROOT, "offset(%s, %s)", modality, value);
    }
}
