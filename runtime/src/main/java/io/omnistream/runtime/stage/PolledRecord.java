package io.omnistream.runtime.stage;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record as the stage hands it to its {@link StageProcessor}.
 *
 * @param polledAtNanos when poll() returned it, on the stage's {@link Ticker} (for queue-time metrics)
 */
public record PolledRecord(ConsumerRecord<byte[], byte[]> record, long polledAtNanos) {

    /** Serialized key plus value size in bytes: what the stage's batch byte bound counts. */
    public long sizeBytes() {
        return sizeOf(record);
    }

    static long sizeOf(ConsumerRecord<byte[], byte[]> r) {
        return (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
    }
}
