package io.omnistream.runtime.stage;

import io.omnistream.schemas.avro.FailedEvent;
import java.time.Duration;

/** Hooks for a service's metrics and logs; called on the stage's loop thread. */
public interface StageListener {
    StageListener NONE = new StageListener() {};

    /** A batch failed transiently for the {@code failedAttempts}-th time; it is retried after {@code delay}. */
    default void retrying(Throwable error, int failedAttempts, Duration delay) {}

    /**
     * The runtime itself dead-lettered a record (a poison pill, a batch whose retry budget ran out, a batch that
     * failed permanently as a whole). Dead letters the processor writes through {@link StageOutput} are not reported
     * here: the processor counts those itself, with its own reasons.
     */
    default void deadLettered(FailedEvent event) {}
}
