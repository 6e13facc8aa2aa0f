package io.omnistream.ingest.validate;

import java.util.Locale;

/**
 * The closed set of reasons the ingest API refuses an item. The {@link #code()} is the machine-readable
 * {@code "error"} field of a response and the {@code reason} label of {@code omnistream_ingest_rejected_total}, so the
 * metric's cardinality is bounded by this enum. Codes are part of the API: never rename one.
 */
public enum RejectionReason {
    /** The body (or one NDJSON line) is not JSON, or not a JSON object where one is expected. */
    MALFORMED_JSON(400),
    /** A required field is absent or blank. */
    MISSING_FIELD(400),
    /** A field has the wrong type, format or charset, or fields contradict each other. */
    INVALID_FIELD(400),
    /** {@code payloadBase64} is not valid base64 (RFC 4648 basic alphabet). */
    INVALID_BASE64(400),
    /** The request body or the decoded payload is larger than configured. */
    PAYLOAD_TOO_LARGE(413),
    /** {@code text} or {@code instruction} is longer than configured. */
    TEXT_TOO_LONG(413),
    /** A batch has more items than configured. */
    TOO_MANY_ITEMS(413),
    /** The payload bytes are of a type no modality accepts (e.g. application/octet-stream). */
    UNSUPPORTED_MEDIA(415),
    /** The payload bytes are a known media type, but of another modality than declared (PNG declared AUDIO). */
    MODALITY_MISMATCH(422),
    /** No credentials, or credentials that are not valid (unknown, revoked or expired key or token). */
    UNAUTHENTICATED(401),
    /** Valid credentials without the scope this request needs, or a request about another tenant's data. */
    FORBIDDEN(403),
    /** No route for this method and path. */
    NOT_FOUND(404),
    /** The path exists but not for this method. */
    METHOD_NOT_ALLOWED(405),
    /**
     * The tenant is over its request rate or concurrent-upload quota, or every worker and the queue are busy: retry
     * after the {@code Retry-After} seconds. The platform itself is up.
     */
    RATE_LIMITED(429),
    /** The server is shutting down: retry later (another replica, or this one after its restart). */
    OVERLOADED(503),
    /** The broker did not acknowledge in time or is unreachable (a transient failure): retry later. */
    UNAVAILABLE(503),
    /** The broker refused the record for a reason retrying cannot fix (a permanent produce failure). */
    PRODUCE_REJECTED(500),
    /** A bug in ingest, never bad input; the message names the exception. */
    INTERNAL_ERROR(500);

    private final int httpStatus;

    RejectionReason(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Lower snake case, e.g. {@code modality_mismatch}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a client should retry the same request later (429s and 503s, with Retry-After). */
    public boolean retryable() {
        return httpStatus == 503 || httpStatus == 429;
    }
}
