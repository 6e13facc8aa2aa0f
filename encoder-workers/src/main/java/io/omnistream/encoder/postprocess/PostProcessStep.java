package io.omnistream.encoder.postprocess;

import io.omnistream.schemas.avro.Modality;

/**
 * A deterministic transformation of a finished, L2-normalised vector, applied by the encoder worker after the tower
 * and before publishing. Steps are declared per model in the registry ({@code postprocess:}) and are part of the
 * model version ({@link #descriptor()} is hashed into it): vectors with and without a step never share a collection
 * or a quality series. Implementations are immutable and thread-safe.
 */
public sealed interface PostProcessStep permits ModalityOffset, ModalityCentering {

    /**
     * Transforms {@code vector} in place.
     *
     * @param vector   a unit vector of the model's dimension
     * @param modality the modality of the event the vector embeds
     * @return the same array, transformed and again of unit L2 norm
     */
    float[] apply(float[] vector, Modality modality);

    /** Every setting of the step, canonical (e.g. {@code offset(DOCUMENT, 0.05)}); hashed into the model version. */
    String descriptor();

    /** Scales {@code v} to unit L2 norm in place; a zero vector stays zero (there is no direction to keep). */
    static float[] normalise(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum > 0) {
            float inv = (float) (1.0 / Math.sqrt(sum));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
        return v;
    }
}
