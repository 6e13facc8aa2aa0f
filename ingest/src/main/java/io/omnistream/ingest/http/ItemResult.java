package io.omnistream.ingest.http;

import io.omnistream.ingest.validate.Rejection;

/**
 * What the API answers for one item. Exactly one of ({@code contentHash}, status accepted/duplicate/deleted) or
 * {@code rejection} is meaningful.
 */
record ItemResult(String contentId, Status status, String contentHash, String mimeType, Rejection rejection) {
    enum Status {
        ACCEPTED(202), DUPLICATE(200), DELETED(202), REJECTED(0);

        final int httpStatus;

        Status(int httpStatus) {
            this.httpStatus = httpStatus;
        }
    }

    static ItemResult rejected(String contentId, Rejection rejection) {
        return new ItemResult(contentId, Status.REJECTED, null, null, rejection);
    }

    int httpStatus() {
        return status == Status.REJECTED ? rejection.httpStatus() : status.httpStatus;
    }
}
