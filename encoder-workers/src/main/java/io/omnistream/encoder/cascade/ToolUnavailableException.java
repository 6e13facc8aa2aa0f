package io.omnistream.encoder.cascade;

/**
 * A recogniser or codec binary is missing, crashed or timed out: an environment problem, not bad input. Not a
 * {@code PermanentFailureException}, so the worker retries it with backoff and dead-letters the event only when
 * the retries are exhausted.
 */
public class ToolUnavailableException extends RuntimeException {
    public ToolUnavailableException(String message) {
        super(message);
    }

    public ToolUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
