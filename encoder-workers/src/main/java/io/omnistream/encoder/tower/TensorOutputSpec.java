package io.omnistream.encoder.tower;

import io.omnistream.encoder.model.Pooling;
import java.util.Arrays;
import java.util.Objects;

/**
 * The graph output a {@link NativeTower} reads, and how it becomes one vector per batch item.
 *
 * @param name    the graph output's name, e.g. {@code image_embeds} or {@code last_hidden_state}
 * @param pooling how the output is reduced to {@code [batch, dim]}
 */
public record TensorOutputSpec(String name, OutputPooling pooling) {

    /**
     * How an output tensor becomes one vector per item. Unlike text, a fixed-size image or spectrogram has no
     * padding, so every token counts (the mask handed to {@link Pooling} is all ones).
     */
    public enum OutputPooling {
        /** The output is already {@code [batch, dim]} (e.g. CLIP's projected {@code image_embeds}). */
        NONE(2),
        /** Output {@code [batch, tokens, dim]}: take token 0 (a ViT class token). */
        CLS(3),
        /** Output {@code [batch, tokens, dim]}: the unweighted mean over all tokens (patches or frames). */
        MEAN(3);

        private final int rank;

        OutputPooling(int rank) {
            this.rank = rank;
        }

        /** Rank of the output tensor this pooling reads: 2 for NONE, 3 for CLS and MEAN. */
        public int rank() {
            return rank;
        }

        /** The shape this pooling expects, for error messages. */
        public String expectedShape() {
            return rank == 2 ? "[batch, dim]" : "[batch, tokens, dim]";
        }

        /**
         * Reduces a row-major output ({@code [batch, dim]} for NONE, {@code [batch, tokens, dim]} otherwise) to
         * {@code batch} vectors of {@code dim} floats. Not normalised.
         */
        public float[][] reduce(float[] values, int batch, int tokens, int dim) {
            if (this == NONE && tokens != 1) {
                throw new IllegalArgumentException("NONE reads [batch, dim]; got " + tokens + " tokens per item");
            }
            long[] everyTokenCounts = new long[batch * tokens];
            Arrays.fill(everyTokenCounts, 1L);
            // [batch, dim] is [batch, 1, dim]; CLS of a single token is the row itself, so NONE reuses CLS.
            Pooling tokenPooling = this == MEAN ? Pooling.MEAN : Pooling.CLS;
            return tokenPooling.pool(values, everyTokenCounts, batch, tokens, dim);
        }
    }

    public TensorOutputSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pooling, "pooling");
        if (name.isBlank()) {
            throw new IllegalArgumentException("output name must not be blank");
        }
    }

    /** E.g. {@code image_embeds NONE}; hashed into tower versions. */
    public String describe() {
        return name + " " + pooling;
    }
}
