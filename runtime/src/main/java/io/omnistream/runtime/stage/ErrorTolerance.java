package io.omnistream.runtime.stage;

/**
 * What a stage does with a record it can never process (Kafka Connect's {@code errors.tolerance}).
 */
public enum ErrorTolerance {
    /** Fail fast: the stage stops without committing the batch that holds the bad record; nothing is skipped. */
    NONE,
    /** Dead-letter the record with its stage and reason, and carry on with the rest. */
    ALL
}
