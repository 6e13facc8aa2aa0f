package io.omnistream.flink.bias;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Per-modality mean-centring ("closing the modality gap" for mixed-modality search): {@code v' = (v - c_m) / |v -
 * c_m|}, where {@code c_m} is a frozen reference centroid of the vector's modality {@code m}. Removing each modality's
 * mean takes away the component that only says "this is an image" and leaves the semantic part for cosine ranking.
 *
 * <p><b>Deterministic.</b> The centroids are fixed configuration (e.g. {@link ModalityCentroids#centroidAsFloats} of
 * a reference window, frozen), never updated from the traffic being transformed; the arithmetic is done in double in
 * index order and rounded to float once per output component, so a vector always maps to the same bytes.
 *
 * <p><b>Version.</b> {@link #version()} is {@code "center@"} followed by the first 8 lowercase hex digits of the
 * SHA-256 of this byte string: for each modality in ascending (String) order, the modality name in UTF-8, one
 * {@code 0x00} byte, the dimension as a 4-byte big-endian int, then each centroid component as its 4-byte big-endian
 * IEEE-754 bits ({@link Float#floatToIntBits}). Equal centroids give equal versions on every machine; the version is
 * appended to the model version of transformed embeddings so that centred and raw vectors are never compared.
 *
 * <p>An immutable, {@link Serializable} value (configuration of a Flink function, not keyed state).
 */
public final class ModalityCentering implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Prefix of {@link #version()}. */
    public static final String VERSION_PREFIX = "center@";

    private final TreeMap<String, float[]> centroids;
    private final int dimension;
    private final String version;

    private ModalityCentering(TreeMap<String, float[]> centroids, int dimension) {
        this.centroids = centroids;
        this.dimension = dimension;
        this.version = VERSION_PREFIX + fingerprint(centroids).substring(0, 8);
    }

    /**
     * A centring with the given reference centroids (copied).
     *
     * @param referenceCentroids modality (one of {@link Modalities#ALL}) to its centroid; not empty, all of one
     *                           dimension, finite values
     * @throws IllegalArgumentException on an unknown modality, an empty map, mixed dimensions or a non-finite value
     */
    public static ModalityCentering of(Map<String, float[]> referenceCentroids) {
        Objects.requireNonNull(referenceCentroids, "referenceCentroids");
        if (referenceCentroids.isEmpty()) {
            throw new IllegalArgumentException("no reference centroids");
        }
        TreeMap<String, float[]> copy = new TreeMap<>();
        int dimension = -1;
        for (Map.Entry<String, float[]> e : referenceCentroids.entrySet()) {
            String modality = Modalities.require(e.getKey(), "modality");
            float[] c = Objects.requireNonNull(e.getValue(), "centroid of " + modality);
            if (c.length == 0 || (dimension >= 0 && c.length != dimension)) {
                throw new IllegalArgumentException("centroid of " + modality + " has dimension " + c.length
                        + (dimension >= 0 ? ", others " + dimension : ""));
            }
            for (float x : c) {
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException("centroid of " + modality + " has a non-finite value " + x);
                }
            }
            dimension = c.length;
            copy.put(modality, c.clone());
        }
        return new ModalityCentering(copy, dimension);
    }

    /**
     * Centres and renormalises one vector.
     *
     * @param modality the vector's modality; must have a reference centroid
     * @param vector   the embedding (any norm), same dimension as the centroids
     * @return a new unit vector
     * @throws IllegalArgumentException if the modality has no centroid, the dimension differs, a value is not finite,
     *                                  or the vector equals its centroid (the direction is undefined)
     */
    public float[] apply(String modality, float[] vector) {
        Objects.requireNonNull(vector, "vector");
        float[] c = centroids.get(modality);
        if (c == null) {
            throw new IllegalArgumentException("no reference centroid for modality '" + modality + "' (have "
                    + centroids.keySet() + ")");
        }
        if (vector.length != dimension) {
            throw new IllegalArgumentException("vector dimension " + vector.length + " differs from " + dimension);
        }
        double[] centred = new double[dimension];
        double squaredNorm = 0.0;
        for (int i = 0; i < dimension; i++) {
            if (!Float.isFinite(vector[i])) {
                throw new IllegalArgumentException("vector has a non-finite value " + vector[i]);
            }
            centred[i] = (double) vector[i] - c[i];
            squaredNorm += centred[i] * centred[i];
        }
        if (squaredNorm == 0.0) {
            throw new IllegalArgumentException("vector equals the " + modality + " centroid; cannot renormalise");
        }
        double norm = Math.sqrt(squaredNorm);
        float[] out = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            out[i] = (float) (centred[i] / norm);
        }
        return out;
    }

    /** {@code "center@" + 8 hex digits}; see the class documentation for the exact fingerprint. */
    public String version() {
        return version;
    }

    /** The modalities with a reference centroid, sorted. */
    public SortedSet<String> modalities() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(centroids.keySet()));
    }

    /** The vector dimension. */
    public int dimension() {
        return dimension;
    }

    /** The reference centroid of a modality (a copy); null if none. */
    public float[] centroid(String modality) {
        float[] c = centroids.get(modality);
        return c == null ? null : c.clone();
    }

    /** Full SHA-256 hex of the fingerprint bytes described in the class documentation. */
    static String fingerprint(TreeMap<String, float[]> centroids) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
        for (Map.Entry<String, float[]> e : centroids.entrySet()) {
            sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            float[] c = e.getValue();
            ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * c.length); // big-endian by default
            buffer.putInt(c.length);
            for (float x : c) {
                buffer.putInt(Float.floatToIntBits(x));
            }
            sha.update(buffer.array());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof ModalityCentering that) || !centroids.keySet().equals(that.centroids.keySet())) {
            return false;
        }
        for (Map.Entry<String, float[]> e : centroids.entrySet()) {
            if (!java.util.Arrays.equals(e.getValue(), that.centroids.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return version.hashCode();
    }

    @Override
    public String toString() {
        return "ModalityCentering{" + version + ", modalities=" + centroids.keySet() + ", dimension=" + dimension + '}';
    }
}
