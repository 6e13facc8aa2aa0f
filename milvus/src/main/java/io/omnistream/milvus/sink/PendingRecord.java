package io.omnistream.milvus.sink;

import io.omnistream.schemas.avro.EmbeddingEvent;

/**
 * A decoded Kafka record waiting in the current batch.
 *
 * @param contentId the event's content id, or the Kafka key for a tombstone
 * @param event     null for a tombstone (delete)
 * @param rawValue  the original value bytes (null for a tombstone), kept for the DLQ
 */
public record PendingRecord(String contentId, EmbeddingEvent event, String topic, int partition, long offset,
                            byte[] rawValue) {

    public boolean isTombstone() {
        return event == null;
    }

    public String modelVersion() {
        return event == null ? null : event.getModelVersion();
    }
}
