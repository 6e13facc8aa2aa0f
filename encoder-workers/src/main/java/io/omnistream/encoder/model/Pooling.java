package io.omnistream.encoder.model;

import java.nio.FloatBuffer;

/**
 * How a model's per-token hidden states become one vector per text. Part of the model version: the same weights with
 * another pooling give incomparable vectors.
 *
 * <p>Input layout is the flat, row-major {@code last_hidden_state} of shape {@code [batch, seq, dim]} and the
 * attention mask of shape {@code [batch, seq]} (1 = real token, 0 = padding). Outputs are not normalised; see
 * {@link Vectors#l2Normalize}.
 */
public enum Pooling {
    /** The hidden state of token 0 ({@code [CLS]}); what BGE was trained with. Padding cannot affect it. */
    CLS {
        @Override
        public float[][] pool(FloatBuffer hidden, long[] mask, int batch, int seq, int dim) {
            check(hidden, mask, batch, seq, dim);
            float[][] out = new float[batch][dim];
            for (int b = 0; b < batch; b++) {
                hidden.get(b * seq * dim, out[b], 0, dim);
            }
            return out;
        }
    },
    /**
     * Attention-mask-weighted mean over tokens (sentence-transformers' mean pooling); padded positions contribute
     * nothing, so the result does not depend on how long the batch's longest text is. A row with an all-zero mask
     * (impossible with a real tokenizer, which always emits [CLS]) pools to the zero vector.
     */
    MEAN {
        @Override
        public float[][] pool(FloatBuffer hidden, long[] mask, int batch, int seq, int dim) {
            check(hidden, mask, batch, seq, dim);
            float[][] out = new float[batch][dim];
            for (int b = 0; b < batch; b++) {
                float[] acc = out[b];
                long count = 0;
                for (int t = 0; t < seq; t++) {
                    long m = mask[b * seq + t];
                    if (m == 0) {
                        continue;
                    }
                    count += m;
                    int base = (b * seq + t) * dim;
                    for (int d = 0; d < dim; d++) {
                        acc[d] += m * hidden.get(base + d);
                    }
                }
                if (count > 0) {
                    for (int d = 0; d < dim; d++) {
                        acc[d] /= count;
                    }
                }
            }
            return out;
        }
    },
    /**
     * The hidden state of each row's last real token: the position of the row's last attention-mask 1 (decoder
     * embedders: Qwen3-Embedding, NV-Embed, VLM2Vec, e5-mistral, whose causal attention lets only the last token see
     * the whole text). Read from the mask, so it is right for both padding sides: the final position of a
     * left-padded row, the position before the first pad of a right-padded one. A row with an all-zero mask pools
     * to the zero vector.
     */
    LAST_TOKEN {
        @Override
        public float[][] pool(FloatBuffer hidden, long[] mask, int batch, int seq, int dim) {
            check(hidden, mask, batch, seq, dim);
            float[][] out = new float[batch][dim];
            for (int b = 0; b < batch; b++) {
                int last = seq - 1;
                while (last >= 0 && mask[b * seq + last] == 0) {
                    last--;
                }
                if (last >= 0) {
                    hidden.get((b * seq + last) * dim, out[b], 0, dim);
                }
            }
            return out;
        }
    };

    /** Pools {@code hidden} ([batch, seq, dim], row-major) into {@code batch} vectors of length {@code dim}. */
    public float[][] pool(float[] hidden, long[] mask, int batch, int seq, int dim) {
        if (hidden.length != (long) batch * seq * dim) {
            throw new IllegalArgumentException("shape mismatch: hidden has " + hidden.length + " values for [batch="
                    + batch + ", seq=" + seq + ", dim=" + dim + "]");
        }
        return pool(FloatBuffer.wrap(hidden), mask, batch, seq, dim);
    }

    /**
     * Pools the first {@code batch × seq × dim} floats of {@code hidden} (absolute indices from 0; its position and
     * limit are neither used nor changed), so ONNX Runtime's output can be pooled where it was written, without a copy.
     */
    public abstract float[][] pool(FloatBuffer hidden, long[] mask, int batch, int seq, int dim);

    private static void check(FloatBuffer hidden, long[] mask, int batch, int seq, int dim) {
        if (hidden.capacity() < (long) batch * seq * dim || mask.length != (long) batch * seq) {
            throw new IllegalArgumentException("shape mismatch: hidden has " + hidden.capacity() + " values and mask "
                    + mask.length + " for [batch=" + batch + ", seq=" + seq + ", dim=" + dim + "]");
        }
    }
}
