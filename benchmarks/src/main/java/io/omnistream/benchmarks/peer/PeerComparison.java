package io.omnistream.benchmarks.peer;

import io.omnistream.encoder.model.Vectors;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Puts a peer beside the Java encoder: the report's peer fields, and the check that both computed the same vectors
 * (so a throughput ratio compares the same work, not a cheaper truncation or pooling).
 */
public final class PeerComparison {
    /** fp32 on the same graph and tokenizer: only summation order differs, far below this. */
    public static final double MIN_COSINE_FP32 = 0.9999;

    private PeerComparison() {}

    /**
     * The smallest cosine similarity between row i of {@code java} and row i of {@code peer}.
     *
     * @throws IllegalArgumentException when the shapes differ or there is nothing to compare
     */
    public static double minCosine(float[][] java, float[][] peer) {
        if (java.length != peer.length || java.length == 0) {
            throw new IllegalArgumentException("cannot compare " + java.length + " Java vectors with " + peer.length + " peer vectors");
        }
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < java.length; i++) {
            float[] a = java[i];
            float[] b = peer[i];
            if (a.length != b.length) {
                throw new IllegalArgumentException("vector " + i + ": dimension " + a.length + " vs " + b.length);
            }
            double na = Vectors.norm(a);
            double nb = Vectors.norm(b);
            double cos = (na == 0 || nb == 0) ? 0 : Vectors.dot(a, b) / (na * nb);
            min = Math.min(min, cos);
        }
        return min;
    }

    /**
     * The report's peer fields: {@code peer}, {@code peer_items_per_second}, {@code peer_threads}, {@code raw_vs_peer},
     * {@code peer_min_cosine} and, when the worker ran ({@code worker} not null), {@code worker_vs_peer}.
     */
    public static Map<String, Object> reportFields(PeerResult peer, double raw, Double worker, double minCosine) {
        if (!(peer.itemsPerSecond() > 0)) {
            throw new IllegalArgumentException("peer throughput must be > 0, got " + peer.itemsPerSecond());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("peer", peer.name());
        out.put("peer_items_per_second", peer.itemsPerSecond());
        out.put("peer_threads", peer.threads());
        out.put("peer_min_cosine", minCosine);
        out.put("raw_vs_peer", raw / peer.itemsPerSecond());
        if (worker != null) {
            out.put("worker_vs_peer", worker / peer.itemsPerSecond());
        }
        return out;
    }
}
