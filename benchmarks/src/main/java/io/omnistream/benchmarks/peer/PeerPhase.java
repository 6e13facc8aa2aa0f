package io.omnistream.benchmarks.peer;

import io.omnistream.encoder.model.Side;
import io.omnistream.encoder.model.TextEncoder;
import java.util.List;
import java.util.Map;

/** The peer phase of {@code bench encoder}: run the peer, check its vectors against the Java encoder's, report. */
public final class PeerPhase {
    /** Texts whose vectors both sides compute for the agreement check (the corpus' first ones, mixed lengths). */
    static final int CHECK_TEXTS = 8;

    private final PeerResult result;
    private final double minCosine;

    private PeerPhase(PeerResult result, double minCosine) {
        this.result = result;
        this.minCosine = minCosine;
    }

    /**
     * Runs the Python peer on {@code encoder}'s model with the same texts, batch and threads, and compares its vectors
     * of the first texts with {@code encoder}'s. Call while no other phase runs: the peer is timed on the same cores.
     */
    public static PeerPhase runPython(TextEncoder encoder, List<String> texts, int batch, int seconds, int threads) {
        System.out.printf("peer:     Python onnxruntime + tokenizers on %s, batch %d, %d s (venv %s)...%n",
                encoder.modelId(), batch, seconds, PythonPeerVenv.defaultVenvDir());
        int check = Math.min(CHECK_TEXTS, texts.size());
        PeerResult peer = PythonPeer.installed().run(encoder.spec(), texts, batch, seconds, threads, check);
        double cos = PeerComparison.minCosine(encoder.encode(texts.subList(0, check), Side.DOCUMENT), peer.checkVectors());
        System.out.printf("peer:     %.1f items/s (%s, threads %s)%n", peer.itemsPerSecond(), peer.name(),
                peer.threads() == 0 ? "ORT default" : peer.threads());
        System.out.printf("peer check: min cosine Java vs peer over %d texts = %.7f (%s, need >= %s)%n", check, cos,
                cos >= PeerComparison.MIN_COSINE_FP32 ? "same work" : "MISMATCH: the ratios below compare different work",
                PeerComparison.MIN_COSINE_FP32);
        return new PeerPhase(peer, cos);
    }

    public double itemsPerSecond() {
        return result.itemsPerSecond();
    }

    /** Report fields; {@code worker} null when the worker phase did not run. */
    public Map<String, Object> reportFields(double raw, Double worker) {
        Map<String, Object> fields = PeerComparison.reportFields(result, raw, worker, minCosine);
        fields.put("peer_vectors_agree", minCosine >= PeerComparison.MIN_COSINE_FP32);
        // the peer's venv holds the CPU onnxruntime wheel: beside a CUDA encoder the ratios compare devices, not loops
        fields.put("peer_execution_provider", "CPU");
        return fields;
    }
}
