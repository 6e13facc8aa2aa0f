package io.omnistream.ingest.validate;

import io.omnistream.schemas.avro.MediaEvent;

/** Outcome of validating one item: either an event ready to produce or a rejection. */
public sealed interface Validated {
    /** The event carries the detected MIME type and the content hash. */
    record Accepted(MediaEvent event) implements Validated {}

    record Rejected(Rejection rejection) implements Validated {}

    static Validated reject(RejectionReason reason, String message) {
        return new Rejected(new Rejection(reason, message));
    }
}
