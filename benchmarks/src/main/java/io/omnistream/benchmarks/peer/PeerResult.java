package io.omnistream.benchmarks.peer;

/**
 * What a peer measured.
 *
 * @param name            peer and versions, e.g. {@code python-onnxruntime-1.28.0+tokenizers-0.23.3}
 * @param itemsPerSecond  texts embedded per second over the measured window (after warm-up)
 * @param items           texts embedded in that window
 * @param seconds         length of that window, seconds
 * @param threads         intra-op threads it was given; 0 = ONNX Runtime's default
 * @param checkVectors    its vectors of the first texts, for {@link PeerComparison#minCosine}
 */
public record PeerResult(String name, double itemsPerSecond, long items, double seconds, int threads,
                         float[][] checkVectors) {}
