package io.omnistream.ingest.validate;

import java.util.Objects;

/** Why one item was refused: a reason from the closed set and a message for humans (may name the detected type). */
public record Rejection(RejectionReason reason, String message) {
    public Rejection {
        Objects.requireNonNull(reason);
        Objects.requireNonNull(message);
    }

    public int httpStatus() {
        return reason.httpStatus();
    }

    public String code() {
        return reason.code();
    }
}
