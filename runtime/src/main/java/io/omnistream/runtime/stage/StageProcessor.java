package io.omnistream.runtime.stage;

import java.util.List;

/**
 * What a stage does with one batch; everything else (polling, batching, retries, dead letters of the runtime's own,
 * commits) belongs to {@link KafkaStage}.
 *
 * <p>Contract:
 * <ul>
 *   <li>Every record of the batch must leave either as outputs ({@link StageOutput#send}), as a dead letter
 *       ({@link StageOutput#deadLetter}), or as an effect the processor made durable itself (a Milvus upsert)
 *       before {@code process} returns. Outputs are only sent after {@code process} returns normally, so a failed
 *       attempt leaves nothing behind.</li>
 *   <li>Throw to fail the whole attempt. A {@link io.omnistream.runtime.error.FailureKind#TRANSIENT transient} failure
 *       (per {@link io.omnistream.runtime.error.FailureClassifier}) makes the stage wait and call {@code process}
 *       again with the same records, so effects must be idempotent (upserts keyed by id); a permanent one is handled
 *       per {@link ErrorTolerance} for every record of the batch. Prefer dead-lettering the bad record yourself.</li>
 *   <li>Called on the stage's loop thread only.</li>
 * </ul>
 */
@FunctionalInterface
public interface StageProcessor {
    void process(List<PolledRecord> batch, StageOutput out);
}
