package io.omnistream.flink.quality.ranking;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The candidates of one ranking as contiguous arrays: ids in {@code String[]} and vectors row-major in one
 * {@code float[]} of {@code size x dim}, plus the largest Euclidean norm among them (for {@link TopKRanker}'s rounding
 * bound). Immutable once built; scoring reads it sequentially and allocates nothing per candidate.
 *
 * <p>The row order is the insertion order and does not influence any ranking ({@link TopKRanker} orders by score,
 * then id). Ids are checked once here (not blank, no duplicates), so the ranker need not check them per query.
 */
public final class CandidatePool {

    private static final CandidatePool EMPTY = new CandidatePool(new String[0], new float[0], 0, 0.0);

    private final String[] ids;
    private final float[] vectors;
    private final int dim;
    private final double maxNorm;

    private CandidatePool(String[] ids, float[] vectors, int dim, double maxNorm) {
        this.ids = ids;
        this.vectors = vectors;
        this.dim = dim;
        this.maxNorm = maxNorm;
    }

    /** A pool of the map's entries (copied), in its iteration order. */
    public static CandidatePool of(Map<String, float[]> candidates) {
        Builder builder = builder(candidates.size());
        candidates.forEach(builder::add);
        return builder.build();
    }

    /** @param expectedSize candidates that will be added (the arrays grow if more are) */
    public static Builder builder(int expectedSize) {
        return new Builder(expectedSize);
    }

    /** A pool without candidates. */
    public static CandidatePool empty() {
        return EMPTY;
    }

    /** Number of candidates. */
    public int size() {
        return ids.length;
    }

    /** Vector dimension; 0 for the empty pool. */
    public int dim() {
        return dim;
    }

    /** Id of row {@code row}. */
    public String id(int row) {
        return ids[row];
    }

    /** Largest Euclidean norm of a candidate vector (computed in double); 0 for the empty pool. */
    double maxNorm() {
        return maxNorm;
    }

    /** The row-major vectors; shared, not copied: callers in this package only read it. */
    float[] vectors() {
        return vectors;
    }

    /** Collects candidates; {@link #build()} checks ids and fixes the arrays. */
    public static final class Builder {
        private String[] ids;
        private float[] vectors;
        private int size;
        private int dim = -1;
        private double maxNorm;

        private Builder(int expectedSize) {
            if (expectedSize < 0) {
                throw new IllegalArgumentException("expectedSize must be >= 0, got " + expectedSize);
            }
            ids = new String[expectedSize];
            vectors = new float[0];
        }

        /**
         * Appends one candidate (its vector is copied).
         *
         * @throws IllegalArgumentException if the vector's dimension differs from the first candidate's
         */
        public Builder add(String id, float[] vector) {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(vector, "vector of " + id);
            if (dim < 0) {
                dim = vector.length;
                vectors = new float[Math.max(ids.length, 1) * dim];
            } else if (vector.length != dim) {
                throw new IllegalArgumentException("dimension mismatch: candidate '" + id + "' has " + vector.length
                        + ", the pool " + dim);
            }
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, Math.max(4, size * 2));
            }
            if ((size + 1) * dim > vectors.length) {
                vectors = Arrays.copyOf(vectors, Math.max(4, size * 2) * dim);
            }
            ids[size] = id;
            System.arraycopy(vector, 0, vectors, size * dim, dim);
            double norm2 = 0.0;
            for (float x : vector) {
                norm2 += (double) x * x;
            }
            maxNorm = Math.max(maxNorm, Math.sqrt(norm2));
            size++;
            return this;
        }

        /** @throws IllegalArgumentException on a blank id or an id added twice */
        public CandidatePool build() {
            if (size == 0) {
                return EMPTY;
            }
            Set<String> seen = new HashSet<>(size * 2);
            for (int i = 0; i < size; i++) {
                if (ids[i].isBlank()) {
                    throw new IllegalArgumentException("candidate id must not be blank");
                }
                if (!seen.add(ids[i])) {
                    throw new IllegalArgumentException("duplicate candidate id '" + ids[i] + "' in ranking");
                }
            }
            return new CandidatePool(Arrays.copyOf(ids, size), Arrays.copyOf(vectors, size * dim), dim, maxNorm);
        }
    }
}
