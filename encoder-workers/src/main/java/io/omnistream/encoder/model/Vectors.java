package io.omnistream.encoder.model;

/** Vector arithmetic on embeddings. */
public final class Vectors {
    private Vectors() {}

    /**
     * Scales {@code v} in place to unit L2 norm, so that cosine similarity equals the dot product (the contract of
     * EmbeddingEvent.vector). The zero vector is left as is: it has no direction and dividing would produce NaNs.
     * The norm is accumulated in double to keep rounding error below float precision for 384-4096 dimensions.
     *
     * @return {@code v}
     */
    public static float[] l2Normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum == 0) {
            return v;
        }
        double inv = 1.0 / Math.sqrt(sum);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] * inv);
        }
        return v;
    }

    /** Dot product; for unit vectors this is the cosine similarity. */
    public static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dimension mismatch: " + a.length + " vs " + b.length);
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    /** Euclidean norm. */
    public static double norm(float[] v) {
        return Math.sqrt(dot(v, v));
    }
}
