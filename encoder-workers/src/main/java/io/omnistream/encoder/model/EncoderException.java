package io.omnistream.encoder.model;

/**
 * Inference failed for reasons outside the input (ONNX Runtime error, device trouble). Deliberately not a
 * PermanentFailureException: the worker's FailureClassifier treats it as transient, retries the batch with backoff
 * and then isolates records one by one.
 */
public class EncoderException extends RuntimeException {
    public EncoderException(String message) {
        super(message);
    }

    public EncoderException(String message, Throwable cause) {
        super(message, cause);
    }
}
