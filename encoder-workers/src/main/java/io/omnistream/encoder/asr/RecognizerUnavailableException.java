package io.omnistream.encoder.asr;

/**
 * The recogniser could not answer (its process died or was killed, the connection failed, it timed out, it answered
 * with a server error): a TRANSIENT failure. It is deliberately a plain {@link RuntimeException} (not {@code
 * PermanentFailureException}, not {@code IllegalArgumentException}), so {@code FailureClassifier} classifies it as
 * transient and the worker retries the whole batch; the recogniser restarts its process on the next call.
 */
public final class RecognizerUnavailableException extends RuntimeException {

    public RecognizerUnavailableException(String message) {
        super(message);
    }

    public RecognizerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
