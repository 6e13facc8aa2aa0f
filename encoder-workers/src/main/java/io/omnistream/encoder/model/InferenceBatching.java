package io.omnistream.encoder.model;

/**
 * How a {@link TextEncoder} groups the texts of one call into ONNX Runtime runs. Declared per model in the registry
 * ({@code batching:}), because whether batching may change a text's vector is a property of the graph.
 */
public enum InferenceBatching {
    /**
     * Texts of similar length share one run (see {@code LengthBuckets}). Right for graphs without batch-wide
     * statistics (fp32, static int8): padding is masked, so a text's vector does not depend on its batch-mates.
     */
    BUCKETED,
    /**
     * Every text runs alone (batch 1, no padding). Needed for dynamically quantised graphs, whose
     * DynamicQuantizeLinear computes activation scales over the whole input tensor: alone, the scales are the text's
     * own, so its vector does not depend on which texts share the call. Costs the batching speed-up.
     */
    PER_TEXT
}
