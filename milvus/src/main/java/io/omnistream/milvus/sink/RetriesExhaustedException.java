package io.omnistream.milvus.sink;

/** A transient Milvus error persisted through every allowed attempt; the records go to the DLQ with this reason. */
public class RetriesExhaustedException extends RuntimeException {
    public RetriesExhaustedException(String operation, int attempts, Throwable last) {
        super("retries exhausted: milvus " + operation + " failed " + attempts + " times, last error: " + last.getMessage(), last);
    }
}
