package io.omnistream.runtime.error;

/** Whether retrying can help. Decided in exactly one place: {@link FailureClassifier}. */
public enum FailureKind {
    /** Retry with backoff: broker or server unavailable, timeouts, leader changes. */
    TRANSIENT,
    /** Do not retry: the input itself is bad. Dead-letter it with the stage and reason. */
    PERMANENT
}
