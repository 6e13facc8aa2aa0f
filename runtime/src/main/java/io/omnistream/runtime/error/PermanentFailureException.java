package io.omnistream.runtime.error;

/**
 * Thrown by a stage that has decided the input itself can never be processed (corrupt media, no encoder for the
 * modality, text the tokenizer rejects). The record goes to the dead-letter topic with {@link #stage()} and the
 * message as reason; it is never retried.
 */
public class PermanentFailureException extends RuntimeException {
    private final String stage;

    public PermanentFailureException(String stage, String reason) {
        super(reason);
        this.stage = stage;
    }

    public PermanentFailureException(String stage, String reason, Throwable cause) {
        super(reason, cause);
        this.stage = stage;
    }

    /** Pipeline stage that rejected the record (ingest, deserialize, preprocess, encode, produce, sink). */
    public String stage() {
        return stage;
    }
}
