package io.omnistream.runtime.error;

import io.omnistream.schemas.avro.FailedEvent;
import java.nio.ByteBuffer;

/** Builds the {@link FailedEvent} every service writes to the dead-letter topic. */
public final class DeadLetters {
    private DeadLetters() {}

    /**
     * @param contentId     id if known, else null
     * @param stage         pipeline stage that gave up
     * @param error         the cause; its class and {@link FailureClassifier#reasonOf reason} are recorded
     * @param attempt       attempts made (1 = no retry)
     * @param topic         source topic or null (e.g. ingest, where the record never reached Kafka)
     * @param partition     source partition or -1
     * @param offset        source offset or -1
     * @param originalValue original record bytes or null
     */
    public static FailedEvent failedEvent(String contentId, String stage, Throwable error, int attempt,
                                          String topic, int partition, long offset, byte[] originalValue) {
        return FailedEvent.newBuilder()
                .setContentId(contentId)
                .setStage(stage)
                .setErrorClass(error.getClass().getName())
                .setReason(FailureClassifier.reasonOf(error))
                .setAttempt(attempt)
                .setOriginalTopic(topic)
                .setOriginalPartition(partition < 0 ? null : partition)
                .setOriginalOffset(offset < 0 ? null : offset)
                .setOriginalValue(originalValue == null ? null : ByteBuffer.wrap(originalValue))
                .setFailedAtMs(System.currentTimeMillis())
                .build();
    }
}
