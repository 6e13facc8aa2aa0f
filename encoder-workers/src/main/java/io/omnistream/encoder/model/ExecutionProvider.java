package io.omnistream.encoder.model;

/** Where ONNX Runtime runs the model. */
public enum ExecutionProvider {
    /** CUDA if the ONNX Runtime build and the host support it, otherwise CPU (one warning, metric set). */
    AUTO,
    /** CUDA or fail: loading throws if the CUDA provider cannot be used. */
    CUDA,
    /** CPU only. */
    CPU
}
