package io.omnistream.flink.bias;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Running per-modality centroids of embedding vectors and the modality-gap metrics derived from them: centroid
 * distances, and the mean pairwise cosine similarity within a modality and across two modalities. Incremental
 * ({@link #add}) and mergeable ({@link #merge}).
 *
 * <p><b>Memory.</b> {@code O(dimension)} per modality: a sum vector (doubles), a vector count and a sum of squared
 * norms; nothing grows with the number of vectors. With the 5 modalities and dimension {@code d}: {@code 40 d} bytes
 * plus a few dozen (61 KB for {@code d = 1536}).
 *
 * <p><b>Pairwise means from sums.</b> For vectors {@code v_1..v_n} of one modality with sum {@code S} and
 * {@code Q = sum |v_i|^2}: {@code |S|^2 = Q + sum_{i != j} v_i . v_j}, so the mean dot product over ordered pairs of
 * distinct vectors is {@code (|S|^2 - Q) / (n (n - 1))}; across two modalities {@code sum_{i, j} a_i . b_j = S_A .
 * S_B}, so the mean is {@code S_A . S_B / (n_A n_B)}. These identities are exact for any vectors; the dot product is
 * the cosine only for <b>unit vectors</b>, which is the precondition: {@link #add} rejects a vector whose squared norm
 * is off 1 by more than {@link #UNIT_NORM_TOLERANCE} (served embeddings are L2-normalised; an unnormalised one is a
 * pipeline bug). For exactly unit vectors {@code Q = n} and the within formula is {@code (|S_A|^2 - n_A) / (n_A (n_A -
 * 1))}; using the measured {@code Q} instead of {@code n} removes the bias of float-rounded norms.
 *
 * <p><b>Precision.</b> Sums are doubles over float inputs (24-bit mantissas), so a sum of {@code n} vectors is exact
 * to about {@code n * 1.1e-16} relative; merge order changes results only in the last digits.
 *
 * <p><b>Flink state.</b> A Flink POJO (public no-arg constructor, public non-final fields, primitive arrays); treat
 * the fields as read-only outside this class. The layout follows {@link Modalities#ALL}.
 */
public class ModalityCentroids {

    /** Largest accepted {@code | |v|^2 - 1 |} of an added vector (float-normalised vectors are within ~1e-6). */
    public static final double UNIT_NORM_TOLERANCE = 1e-3;

    /** Vector dimension; 0 until the first vector. */
    public int dimension;
    /** Vectors added per modality. */
    public long[] counts = new long[Modalities.COUNT];
    /** Sum of the squared norms of the added vectors per modality (equals the count for exactly unit vectors). */
    public double[] sumSquaredNorms = new double[Modalities.COUNT];
    /** Sum vector per modality; every row has length {@link #dimension} (length 0 before the first vector). */
    public double[][] sums = new double[Modalities.COUNT][0];

    public ModalityCentroids() {
    }

    /**
     * Adds one embedding vector.
     *
     * @param modality one of {@link Modalities#ALL}
     * @param vector   unit-norm vector, same dimension as every vector before
     * @throws IllegalArgumentException on an unknown modality, a dimension mismatch, a non-finite value or a norm off
     *                                  1 (the accumulator is unchanged then)
     */
    public void add(String modality, float[] vector) {
        int m = Modalities.index(modality);
        Objects.requireNonNull(vector, "vector");
        checkDimension(vector.length);
        double squaredNorm = 0.0;
        for (float x : vector) {
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("vector of " + modality + " has a non-finite value " + x);
            }
            squaredNorm += (double) x * x;
        }
        if (Math.abs(squaredNorm - 1.0) > UNIT_NORM_TOLERANCE) {
            throw new IllegalArgumentException("vector of " + modality + " has squared norm " + squaredNorm
                    + ", expected 1 +- " + UNIT_NORM_TOLERANCE + " (unit vectors only)");
        }
        ensureDimension(vector.length);
        double[] sum = sums[m];
        for (int i = 0; i < vector.length; i++) {
            sum[i] += vector[i];
        }
        counts[m]++;
        sumSquaredNorms[m] += squaredNorm;
    }

    /**
     * Adds everything of {@code other} into this accumulator; {@code other} is not changed.
     *
     * @return this
     * @throws IllegalArgumentException if both have vectors of different dimensions
     */
    public ModalityCentroids merge(ModalityCentroids other) {
        Objects.requireNonNull(other, "other");
        if (other.dimension == 0) {
            return this;
        }
        checkDimension(other.dimension);
        ensureDimension(other.dimension);
        for (int m = 0; m < Modalities.COUNT; m++) {
            if (other.counts[m] == 0) {
                continue;
            }
            for (int i = 0; i < dimension; i++) {
                sums[m][i] += other.sums[m][i];
            }
            counts[m] += other.counts[m];
            sumSquaredNorms[m] += other.sumSquaredNorms[m];
        }
        return this;
    }

    /** Vectors added for a modality. */
    public long count(String modality) {
        return counts[Modalities.index(modality)];
    }

    /** The centroid (mean vector) of a modality as a new array; null if it has no vectors. */
    public double[] centroid(String modality) {
        int m = Modalities.index(modality);
        return centroid(m);
    }

    /** The centroid rounded to floats (e.g. as the frozen reference of the encoder's centring step); null if none. */
    public float[] centroidAsFloats(String modality) {
        double[] c = centroid(modality);
        if (c == null) {
            return null;
        }
        float[] out = new float[c.length];
        for (int i = 0; i < c.length; i++) {
            out[i] = (float) c[i];
        }
        return out;
    }

    /** L2 distance between the centroids of two modalities; NaN if either has no vectors. */
    public double centroidDistance(String a, String b) {
        double[] ca = centroid(a);
        double[] cb = centroid(b);
        if (ca == null || cb == null) {
            return Double.NaN;
        }
        double s = 0.0;
        for (int i = 0; i < ca.length; i++) {
            double d = ca[i] - cb[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /** {@code 1 - cos(c_a, c_b)} of the two centroids; NaN if either is missing or the zero vector. */
    public double centroidCosineDistance(String a, String b) {
        double[] ca = centroid(a);
        double[] cb = centroid(b);
        if (ca == null || cb == null) {
            return Double.NaN;
        }
        double na = norm(ca);
        double nb = norm(cb);
        if (na == 0.0 || nb == 0.0) {
            return Double.NaN;
        }
        return 1.0 - dot(ca, cb) / (na * nb);
    }

    /** Mean cosine over pairs of distinct vectors of one modality (see class doc); NaN with fewer than 2 vectors. */
    public double withinCosine(String modality) {
        int m = Modalities.index(modality);
        long n = counts[m];
        if (n < 2) {
            return Double.NaN;
        }
        double[] s = sums[m];
        return (dot(s, s) - sumSquaredNorms[m]) / ((double) n * (n - 1));
    }

    /** Mean cosine over all pairs (one vector of each modality); NaN if either has no vectors. */
    public double crossCosine(String a, String b) {
        int ia = Modalities.index(a);
        int ib = Modalities.index(b);
        if (counts[ia] == 0 || counts[ib] == 0) {
            return Double.NaN;
        }
        return dot(sums[ia], sums[ib]) / ((double) counts[ia] * counts[ib]);
    }

    /**
     * The modality-gap rows: {@link BiasMetricNames#MODALITY_GAP_CENTROID_DISTANCE},
     * {@link BiasMetricNames#MODALITY_GAP_CENTROID_COSINE_DISTANCE} and {@link BiasMetricNames#CROSS_MODALITY_COSINE}
     * for every pair {@code A} before {@code B} (in {@link Modalities#ALL} order) that both have vectors, and
     * {@link BiasMetricNames#WITHIN_MODALITY_COSINE} for every modality with at least 2 vectors; in that metric
     * order, then by modality order.
     */
    public List<BiasMetricRow> results() {
        List<BiasMetricRow> rows = new ArrayList<>();
        for (int a = 0; a < Modalities.COUNT; a++) {
            for (int b = a + 1; b < Modalities.COUNT; b++) {
                if (counts[a] > 0 && counts[b] > 0) {
                    rows.add(new BiasMetricRow(BiasMetricNames.MODALITY_GAP_CENTROID_DISTANCE, Modalities.at(a),
                            Modalities.at(b), centroidDistance(Modalities.at(a), Modalities.at(b)),
                            counts[a] + counts[b]));
                }
            }
        }
        for (int a = 0; a < Modalities.COUNT; a++) {
            for (int b = a + 1; b < Modalities.COUNT; b++) {
                double d = centroidCosineDistance(Modalities.at(a), Modalities.at(b));
                if (!Double.isNaN(d)) {
                    rows.add(new BiasMetricRow(BiasMetricNames.MODALITY_GAP_CENTROID_COSINE_DISTANCE,
                            Modalities.at(a), Modalities.at(b), d, counts[a] + counts[b]));
                }
            }
        }
        for (int a = 0; a < Modalities.COUNT; a++) {
            if (counts[a] >= 2) {
                rows.add(new BiasMetricRow(BiasMetricNames.WITHIN_MODALITY_COSINE, Modalities.at(a), Modalities.at(a),
                        withinCosine(Modalities.at(a)), counts[a]));
            }
        }
        for (int a = 0; a < Modalities.COUNT; a++) {
            for (int b = a + 1; b < Modalities.COUNT; b++) {
                if (counts[a] > 0 && counts[b] > 0) {
                    rows.add(new BiasMetricRow(BiasMetricNames.CROSS_MODALITY_COSINE, Modalities.at(a),
                            Modalities.at(b), crossCosine(Modalities.at(a), Modalities.at(b)), counts[a] + counts[b]));
                }
            }
        }
        return rows;
    }

    double[] centroid(int m) {
        long n = counts[m];
        if (n == 0) {
            return null;
        }
        double[] c = sums[m].clone();
        for (int i = 0; i < c.length; i++) {
            c[i] /= n;
        }
        return c;
    }

    private void checkDimension(int d) {
        if (d == 0) {
            throw new IllegalArgumentException("vector dimension must be > 0");
        }
        if (dimension != 0 && d != dimension) {
            throw new IllegalArgumentException("vector dimension " + d + " differs from " + dimension);
        }
    }

    private void ensureDimension(int d) {
        if (dimension == 0) {
            dimension = d;
            for (int m = 0; m < Modalities.COUNT; m++) {
                sums[m] = new double[d];
            }
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0.0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }
}
