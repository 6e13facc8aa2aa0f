package io.omnistream.encoder.postprocess;

import io.omnistream.schemas.avro.Modality;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * "Closing the modality gap": subtracts the modality's centroid (the mean of that modality's unit vectors, measured
 * beforehand on reference traffic with the same model version) and renormalises. Each modality's cloud is moved to
 * the origin, so cosine similarity compares directions within the clouds rather than which cloud a vector is in
 * (Liang et al., 2022, "Mind the Gap"; MMEB-V3's modality-gap finding, see research-notes §3). The centroids are
 * frozen: the same input always gives the same output, and the version names the centroids by a SHA-256 of their
 * float values.
 *
 * <p>A modality without a centroid is refused at load rather than passed through, because mixing centred and
 * uncentred modalities in one index would be a silent bias of its own.
 */
public final class ModalityCentering implements PostProcessStep {
    private final Map<Modality, float[]> centroids;
    private final String fingerprint;

    /**
     * @param centroids per modality, the mean vector to subtract; all of one dimension
     */
    public ModalityCentering(Map<Modality, float[]> centroids) {
        if (centroids.isEmpty()) {
            throw new IllegalArgumentException("modality centring needs at least one centroid");
        }
        Map<Modality, float[]> copy = new EnumMap<>(Modality.class);
        int dimension = -1;
        for (var e : centroids.entrySet()) {
            float[] c = e.getValue().clone();
            if (dimension >= 0 && c.length != dimension) {
                throw new IllegalArgumentException("centroid of " + e.getKey() + " has " + c.length
                        + " dimensions, others " + dimension);
            }
            for (float x : c) {
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException("centroid of " + e.getKey() + " has a non-finite value");
                }
            }
            dimension = c.length;
            copy.put(e.getKey(), c);
        }
        this.centroids = copy;
        this.fingerprint = fingerprint(copy);
    }

    /** The modalities this step can centre. */
    public java.util.Set<Modality> modalities() {
        return centroids.keySet();
    }

    public int dimension() {
        return centroids.values().iterator().next().length;
    }

    @Override
    public float[] apply(float[] vector, Modality modality) {
        float[] c = centroids.get(modality);
        if (c == null) {
            throw new IllegalStateException("no centroid for modality " + modality + " (have " + centroids.keySet() + ")");
        }
        if (c.length != vector.length) {
            throw new IllegalStateException("centroid has " + c.length + " dimensions, vector " + vector.length);
        }
        for (int i = 0; i < vector.length; i++) {
            vector[i] -= c[i];
        }
        return PostProcessStep.normalise(vector);
    }

    @Override
    public String descriptor() {
        return "center(" + fingerprint + ")";
    }

    private static String fingerprint(Map<Modality, float[]> centroids) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            centroids.forEach((m, c) -> {
                sha.update(m.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                ByteBuffer b = ByteBuffer.allocate(4 * c.length);
                for (float x : c) {
                    b.putFloat(x);
                }
                sha.update(b.array());
            });
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
