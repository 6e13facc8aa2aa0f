package io.omnistream.runtime.stage;

/** The stage stopped on purpose without committing its batch (see {@link KafkaStage}'s class comment). */
public class StageFailedException extends RuntimeException {
    public StageFailedException(String message) {
        super(message);
    }

    public StageFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
