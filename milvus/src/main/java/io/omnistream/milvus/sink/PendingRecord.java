package io.omnistream.milvus.sink;

import io.omnistream.schemas.avro.EmbeddingEvent;

/**
 * A decoded Kafka record waiting in the current batch.
 *
 * @param rowKey    the Milvus primary key: {@code <tenant>:<contentId>} of the event, or the Kafka key of a tombstone
 *                  (the same record key, see {@code Tenants#recordKey})
 * @param event     null for a tombstone (delete)
 * @param rawValue  the original value bytes (null for a tombstone), kept for the DLQ
 */
public record PendingRecord(String rowKey, EmbeddingEvent event, String topic, int partition, long offset,
                            byte[] rawValue) {

    public boolean isTombstone() {
        return event == null;
    }

    public String modelVersion() {
        return event == null ? null : event.getModelVersion();
    }
}
