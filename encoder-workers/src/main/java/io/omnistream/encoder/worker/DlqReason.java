package io.omnistream.encoder.worker;

import java.util.Locale;

/**
 * Bounded classification of why a record was dead-lettered: the {@code reason_class} label of
 * {@code omnistream_encoder_dlq_total}. The full reason text goes into the FailedEvent, never into a label.
 */
public enum DlqReason {
    /** Value is not a decodable MediaEvent in the Confluent wire format. */
    UNDECODABLE,
    /**
     * The event's tenant or content id breaks the tenant rules ({@code Tenants}: tenant name, id length in UTF-8
     * bytes): written straight onto the topic past ingest's checks. Milvus would refuse its row.
     */
    INVALID_IDENTITY,
    /** The model has no encoder for the event's modality. */
    UNSUPPORTED_MODALITY,
    /** A TEXT event without text, or media in which the cascade recognised no text. */
    EMPTY_TEXT,
    /**
     * The media of a {@code uri} event could not be fetched for good: a refused URI or redirect (scheme, user info,
     * host not allow-listed, private address), a budget exceeded (size, time), a 4xx status, a content-type or
     * signature that is not the modality's.
     */
    FETCH_FAILED,
    /** Media that cannot be decoded or transcribed (corrupt, truncated, unsupported, over a limit). */
    PREPROCESS_FAILED,
    /** A tombstone without a key: nothing to delete. */
    KEYLESS_TOMBSTONE,
    /** The encoder rejected the record itself (permanent failure). */
    ENCODE_REJECTED,
    /** Transient failures persisted beyond encoder.errors.retry.timeout. */
    RETRIES_EXHAUSTED,
    /** The record's batch was attempted encoder.errors.max.attempts times without completing (the process died). */
    POISON_PILL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
