package io.omnistream.runtime.error;

import io.omnistream.schemas.avro.FailedEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * One record of a dead-letter topic as read back: where it sits, its key (the content id, or the original record's
 * key) and the {@link FailedEvent} a stage wrote through {@link DeadLetters}.
 */
public record DeadLetter(String topic, int partition, long offset, String key, FailedEvent event) {
    public DeadLetter {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(event, "event");
    }

    /** {@code <topic>/<partition>/<offset>}: identifies this letter for good (the key of the redrive ledger). */
    public String coordinates() {
        return topic + "/" + partition + "/" + offset;
    }

    /**
     * Whether it can be republished: the stage recorded the topic it read and the original bytes (a request refused
     * by the ingest API never reached a topic).
     */
    public boolean redrivable() {
        return event.getOriginalTopic() != null && event.getOriginalValue() != null;
    }

    public Instant failedAt() {
        return Instant.ofEpochMilli(event.getFailedAtMs());
    }
}
