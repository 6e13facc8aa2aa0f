package io.omnistream.encoder.cascade;

import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.MediaEvent;

/**
 * Turns one non-text media event into the text a text tower embeds, with a real recogniser (OCR, speech
 * recognition), in two steps: {@link #decode} (the event's own work: probing, rendering, frame extraction,
 * resampling) and the recogniser call, which the worker makes for the events of a micro-batch together
 * ({@link Recognitions#run}); {@link #transcribe} does both for one event. Implementations are thread-safe.
 */
public interface MediaTranscriber {

    /**
     * @return the recognised text (may be blank when the media holds none; the caller decides what that means)
     * @throws PermanentFailureException for input that can never be transcribed (corrupt, truncated, unsupported,
     *                                   over a limit), with stage "preprocess" and a precise reason
     * @throws RuntimeException          other failures (a recogniser binary missing, crashed or timed out): an
     *                                   environment problem, retried by the worker like any transient error
     */
    default String transcribe(MediaEvent event) {
        return transcribe(event, new StageTimes());
    }

    /** {@link #transcribe(MediaEvent)}, adding the time spent decoding and recognising to {@code times}. */
    default String transcribe(MediaEvent event, StageTimes times) {
        try (Recognition<?> recognition = decode(event, times)) {
            return times.recognise(recognition::recognizeAlone);
        }
    }

    /**
     * Decodes the event's media into what its recogniser reads, adding the time to {@code times}; the caller runs
     * the recognition ({@link Recognitions#run}, alone or with other events') and closes it.
     *
     * @throws PermanentFailureException for media that can never be transcribed, as {@link #transcribe(MediaEvent)}
     * @throws RuntimeException          other failures, as {@link #transcribe(MediaEvent)}
     */
    Recognition<?> decode(MediaEvent event, StageTimes times);

    /** Everything that determines the output: recogniser name and version, settings. Part of the model version. */
    String version();
}
