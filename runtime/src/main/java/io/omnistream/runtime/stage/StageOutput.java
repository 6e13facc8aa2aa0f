package io.omnistream.runtime.stage;

import io.omnistream.runtime.error.DeadLetters;
import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.schemas.avro.FailedEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The records one processing attempt of a batch produces, kept in order and sent by the stage only after the attempt
 * succeeded: an event followed by its tombstone still ends as a delete, and a retried attempt produces no duplicate
 * of a failed one's outputs.
 */
public final class StageOutput {
    private final String defaultStage;
    private final String dlqTopic;
    private final Serializer<FailedEvent> failedSerializer;
    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final List<FailedEvent> deadLetters = new ArrayList<>();

    StageOutput(String defaultStage, String dlqTopic, Serializer<FailedEvent> failedSerializer) {
        this.defaultStage = defaultStage;
        this.dlqTopic = dlqTopic;
        this.failedSerializer = failedSerializer;
    }

    /** Queues an output record (embedding, tombstone) for sending after the attempt. */
    public void send(ProducerRecord<byte[], byte[]> record) {
        records.add(record);
    }

    /**
     * Queues a dead letter for {@code source} (the one FailedEvent shape, {@link DeadLetters}): stage from the
     * {@link io.omnistream.runtime.error.PermanentFailureException} in {@code error}'s chain, else this stage's name.
     *
     * <p>The letter is keyed by the source record's own key (for content, the record key {@code <tenant>:<id>}), so
     * that a redrive republishes it under the same key, to the same partition and compaction slot; only a keyless
     * source is keyed by {@code contentId}.
     *
     * @param contentId the content id if known (the FailedEvent's {@code contentId}), else the input key (may be null)
     * @param attempts  attempts made (1 = no retry)
     * @return the FailedEvent, for the caller's metrics and logs
     */
    public FailedEvent deadLetter(ConsumerRecord<byte[], byte[]> source, String contentId, Throwable error, int attempts) {
        FailedEvent failed = DeadLetters.failedEvent(contentId, FailureClassifier.stageOf(error, defaultStage), error,
                attempts, source.topic(), source.partition(), source.offset(), source.value());
        byte[] key = source.key() != null ? source.key()
                : contentId == null ? null : contentId.getBytes(StandardCharsets.UTF_8);
        records.add(new ProducerRecord<>(dlqTopic, key, failedSerializer.serialize(dlqTopic, failed)));
        deadLetters.add(failed);
        return failed;
    }

    List<ProducerRecord<byte[], byte[]>> records() {
        return Collections.unmodifiableList(records);
    }

    List<FailedEvent> deadLetters() {
        return Collections.unmodifiableList(deadLetters);
    }
}
