package io.omnistream.runtime.stage;

import java.time.Duration;

/**
 * What a stage consumes and where it dead-letters.
 *
 * @param stage           the stage name recorded in dead letters when the failure names none ({@code encode},
 *                        {@code sink}); also names the loop thread
 * @param topic           input topic
 * @param dlqTopic        dead-letter topic (FailedEvent values, key = content id or the input key)
 * @param batchMaxRecords most records per batch
 * @param batchMaxWait    longest time the first record of a batch waits for the batch to fill
 * @param policy          error handling and the batch byte bound
 */
public record StageSettings(String stage, String topic, String dlqTopic, int batchMaxRecords, Duration batchMaxWait,
                            StagePolicy policy) {
    public StageSettings {
        if (batchMaxRecords < 1 || batchMaxWait.isNegative()) {
            throw new IllegalArgumentException("need batchMaxRecords >= 1 and batchMaxWait >= 0");
        }
    }
}
