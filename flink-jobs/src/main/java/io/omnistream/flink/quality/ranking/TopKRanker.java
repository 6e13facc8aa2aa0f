package io.omnistream.flink.quality.ranking;

import io.omnistream.flink.quality.metrics.RankedList;
import io.omnistream.flink.quality.metrics.ScoredCandidate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Exact top-k of a query against a {@link CandidatePool}: the same ranks, ids and scores as scoring every candidate
 * with {@link #dot} (a double-accumulated dot product in index order) and sorting all of them by
 * {@link RankedList#RANK_ORDER} (score descending, then id descending), cut at k, for every input; in
 * {@code O(n * dim)} float arithmetic plus {@code O(n)} selection instead of {@code n} objects and an
 * {@code O(n log n)} sort.
 *
 * <p><b>How.</b> (1) Screening: every candidate's dot product in <em>float</em>, blocked 4 candidates per pass over
 * the query so that each query element is loaded once per 4 rows and 8 accumulators (2 per row) are independent. (2) The k-th
 * largest float score {@code t} (a bounded min-heap of primitive floats). (3) Every candidate whose float score is
 * {@code >= t - 2 * delta} is rescored with {@link #dot}'s arithmetic (8 candidates side by side, each still summed in
 * index order, so bit for bit the same doubles) and the survivors are sorted by {@code RANK_ORDER}; the first k are
 * the result.
 *
 * <p><b>Rounding guarantee.</b> Let {@code s} be a candidate's double score (what {@link #dot} returns) and {@code f}
 * its float score. Float products and sums in any order satisfy {@code |f - x.y| <= gamma_d * sum|x_i y_i|} with
 * {@code gamma_d = d u / (1 - d u)}, {@code u = 2^-24} (Higham, Accuracy and Stability of Numerical Algorithms, eq.
 * 3.5), plus at most {@code 2^-149} per product when products underflow; the double sum {@code s} (exact products,
 * since float x float fits a double) is within {@code gamma_d(2^-53) * sum|x_i y_i|} of the same value; and
 * {@code sum|x_i y_i| <= |x| |y| <= |q| * maxNorm} (Cauchy-Schwarz). So {@code |f - s| <= delta} with
 * {@code delta = 2 gamma_d |q| maxNorm + d 2^-149} (the factor 2 also absorbs the rounding of the norms and of this
 * bound). The k candidates with the largest {@code f} all have {@code s >= t - delta}; a candidate with
 * {@code f < t - 2 delta} has {@code s < t - delta}, i.e. k candidates score strictly more, so it cannot be in the
 * top k whatever the id tie rule says. Hence the rescored set contains the exact top k, with their exact scores.
 * Java float/double arithmetic is IEEE-754 round-to-nearest with no fused multiply-add contraction, which the bound
 * assumes. If any float score, the query norm or the pool's norm is not finite (overflow, NaN, infinity), or the
 * dimension is so large that {@code d u >= 0.5}, the ranker falls back to scoring and sorting every candidate with
 * {@link #dot}, which is today's full path (including its exception on a NaN score).
 *
 * <p>For unit vectors and {@code d = 384}, {@code delta} is about {@code 4.6e-5}: typically only a few candidates
 * beyond k are rescored.
 *
 * <p><b>No Vector API.</b> {@code jdk.incubator.vector} would need {@code --add-modules} in every JVM that runs the
 * job (TaskManagers, tests, the CLI) and prints an incubator warning. The scalar kernel reaches 0.5-0.65x of the
 * scalar matmul bound of {@code bench ranking}; at 5,000 x 384 candidates (7.7 MB) the remaining gap is memory traffic
 * (the bound reuses each candidate row for 4 queries, a single query cannot), which SIMD would not remove. Not used.
 */
public final class TopKRanker {

    /** Candidates per block of the screening kernel (2 float accumulators each). */
    static final int BLOCK = 4;

    private static final double UNIT_ROUNDOFF_FLOAT = 0x1p-24;

    private TopKRanker() {
    }

    /** Cosine of unit vectors: their dot product, accumulated in double in index order. */
    public static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dimension mismatch: " + a.length + " vs " + b.length);
        }
        return dot(a, b, 0);
    }

    /** {@link #dot(float[], float[])} of {@code query} and the {@code query.length} floats of {@code rows} at {@code offset}. */
    static double dot(float[] query, float[] rows, int offset) {
        double s = 0.0;
        for (int i = 0; i < query.length; i++) {
            s += (double) query[i] * (double) rows[offset + i];
        }
        return s;
    }

    /**
     * The first {@code min(k, pool.size())} ranks of {@code query} against the pool.
     *
     * @throws IllegalArgumentException if {@code k < 1}, the query's dimension differs from a non-empty pool's, or a
     *                                  score is NaN (as the full ranking would)
     */
    public static TopKRanking rank(float[] query, CandidatePool pool, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        int n = pool.size();
        if (n == 0) {
            return new TopKRanking(RankedList.empty(), 0);
        }
        int dim = pool.dim();
        if (query.length != dim) {
            throw new IllegalArgumentException("dimension mismatch: " + query.length + " vs " + dim);
        }
        int head = Math.min(k, n);
        double queryNorm = norm(query);
        double gamma = dim * UNIT_ROUNDOFF_FLOAT / (1.0 - dim * UNIT_ROUNDOFF_FLOAT);
        double delta = 2.0 * gamma * queryNorm * pool.maxNorm() + dim * (double) Float.MIN_VALUE;
        if (!Double.isFinite(delta) || dim * UNIT_ROUNDOFF_FLOAT >= 0.5) {
            return full(query, pool, head);
        }
        float[] scores = new float[n];
        screen(query, pool, scores);
        float kth = kthLargest(scores, head);
        if (!Float.isFinite(kth)) {
            return full(query, pool, head);
        }
        double cut = kth - 2.0 * delta;
        int[] survivors = new int[Math.min(n, head + 16)];
        int count = 0;
        for (int c = 0; c < n; c++) {
            float f = scores[c];
            if (!Float.isFinite(f)) {
                return full(query, pool, head); // an overflow elsewhere makes the bound meaningless
            }
            if (f >= cut) {
                if (count == survivors.length) {
                    survivors = Arrays.copyOf(survivors, Math.min(n, 2 * count));
                }
                survivors[count++] = c;
            }
        }
        return ranked(query, pool, survivors, count, head);
    }

    /** Today's path: every candidate scored with {@link #dot} and fully sorted, then cut. */
    static TopKRanking full(float[] query, CandidatePool pool, int head) {
        int n = pool.size();
        int[] all = new int[n];
        for (int c = 0; c < n; c++) {
            all[c] = c;
        }
        return ranked(query, pool, all, n, head);
    }

    /** The first {@code head} of {@code rows[0..count)} by exact score (the same doubles as {@link #dot}), then id. */
    private static TopKRanking ranked(float[] query, CandidatePool pool, int[] rows, int count, int head) {
        double[] exact = new double[count];
        exactScores(query, pool, rows, count, exact);
        List<ScoredCandidate> scored = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            scored.add(new ScoredCandidate(pool.id(rows[i]), exact[i]));
        }
        return new TopKRanking(RankedList.of(scored).head(head), pool.size());
    }

    /**
     * {@code out[i]} = {@link #dot} of the query and row {@code rows[i]}, bit for bit: each candidate's sum still runs
     * in index order in its own double accumulator, but 8 candidates are summed side by side so that the additions of
     * different candidates overlap instead of waiting on one dependency chain.
     */
    static void exactScores(float[] query, CandidatePool pool, int[] rows, int count, double[] out) {
        int dim = pool.dim();
        float[] m = pool.vectors();
        double[] q = new double[dim];
        for (int i = 0; i < dim; i++) {
            q[i] = query[i];
        }
        int blocked = count - count % 8;
        for (int r = 0; r < blocked; r += 8) {
            int o0 = rows[r] * dim;
            int o1 = rows[r + 1] * dim;
            int o2 = rows[r + 2] * dim;
            int o3 = rows[r + 3] * dim;
            int o4 = rows[r + 4] * dim;
            int o5 = rows[r + 5] * dim;
            int o6 = rows[r + 6] * dim;
            int o7 = rows[r + 7] * dim;
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0;
            for (int i = 0; i < dim; i++) {
                double a = q[i];
                s0 += a * (double) m[o0 + i];
                s1 += a * (double) m[o1 + i];
                s2 += a * (double) m[o2 + i];
                s3 += a * (double) m[o3 + i];
                s4 += a * (double) m[o4 + i];
                s5 += a * (double) m[o5 + i];
                s6 += a * (double) m[o6 + i];
                s7 += a * (double) m[o7 + i];
            }
            out[r] = s0;
            out[r + 1] = s1;
            out[r + 2] = s2;
            out[r + 3] = s3;
            out[r + 4] = s4;
            out[r + 5] = s5;
            out[r + 6] = s6;
            out[r + 7] = s7;
        }
        for (int r = blocked; r < count; r++) {
            out[r] = dot(query, m, rows[r] * dim);
        }
    }

    private static double norm(float[] v) {
        double s = 0.0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    /**
     * {@code scores[c]} = float dot product of the query and row c. 4 rows per pass over the query, each summed in two
     * accumulators (even and odd dimensions, added at the end): 8 independent dependency chains, and each query element
     * loaded once per 4 rows. (Measured on a 2-core EPYC under load, this beat 8 rows x 1 accumulator by ~1.4x at
     * 1,000 candidates: the 4-row loop keeps all 8 accumulators and both query values in registers.) Any summation
     * order keeps the rounding bound of the class documentation.
     */
    static void screen(float[] q, CandidatePool pool, float[] scores) {
        float[] m = pool.vectors();
        int dim = pool.dim();
        int n = pool.size();
        int pairs = dim & ~1;
        int blocked = n - n % BLOCK;
        for (int c = 0; c < blocked; c += BLOCK) {
            int o0 = c * dim;
            int o1 = o0 + dim;
            int o2 = o1 + dim;
            int o3 = o2 + dim;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f; // even dimensions
            float t0 = 0f, t1 = 0f, t2 = 0f, t3 = 0f; // odd dimensions
            for (int i = 0; i < pairs; i += 2) {
                float a = q[i];
                float b = q[i + 1];
                s0 += a * m[o0 + i];
                s1 += a * m[o1 + i];
                s2 += a * m[o2 + i];
                s3 += a * m[o3 + i];
                t0 += b * m[o0 + i + 1];
                t1 += b * m[o1 + i + 1];
                t2 += b * m[o2 + i + 1];
                t3 += b * m[o3 + i + 1];
            }
            if (pairs < dim) {
                float a = q[pairs];
                s0 += a * m[o0 + pairs];
                s1 += a * m[o1 + pairs];
                s2 += a * m[o2 + pairs];
                s3 += a * m[o3 + pairs];
            }
            scores[c] = s0 + t0;
            scores[c + 1] = s1 + t1;
            scores[c + 2] = s2 + t2;
            scores[c + 3] = s3 + t3;
        }
        for (int c = blocked; c < n; c++) {
            int o = c * dim;
            float s = 0f;
            for (int i = 0; i < dim; i++) {
                s += q[i] * m[o + i];
            }
            scores[c] = s;
        }
    }

    /**
     * The k-th largest value ({@code 1 <= k <= values.length}) by a bounded min-heap of primitive floats: {@code O(n)}
     * comparisons plus {@code O(log k)} per value that enters the heap. NaN if a NaN reached the heap's root.
     */
    static float kthLargest(float[] values, int k) {
        float[] heap = new float[k];
        for (int i = 0; i < k; i++) {
            heap[i] = values[i];
            siftUp(heap, i);
        }
        for (int i = k; i < values.length; i++) {
            float v = values[i];
            if (v > heap[0]) {
                heap[0] = v;
                siftDown(heap, k);
            }
        }
        return heap[0];
    }

    private static void siftUp(float[] heap, int i) {
        float v = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!(heap[parent] > v)) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = v;
    }

    private static void siftDown(float[] heap, int size) {
        float v = heap[0];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (!(heap[child] < v)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = v;
    }
}
