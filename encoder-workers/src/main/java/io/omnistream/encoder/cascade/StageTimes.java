package io.omnistream.encoder.cascade;

import java.util.function.Supplier;

/**
 * Where one transcription spent its time: decoding (probing, demuxing, frame extraction, PDF rendering, resampling)
 * versus recognition (OCR, speech recognition). Filled in by {@link MediaTranscriber#transcribe(
 * io.omnistream.schemas.avro.MediaEvent, StageTimes)}; read by the media benchmark. Not thread-safe: one per call.
 */
public final class StageTimes {
    private long decodeNanos;
    private long recogniseNanos;

    /** Runs {@code step}, counting its wall time as decoding. */
    public <T> T decode(Supplier<T> step) {
        long t0 = System.nanoTime();
        try {
            return step.get();
        } finally {
            decodeNanos += System.nanoTime() - t0;
        }
    }

    /** Runs {@code step}, counting its wall time as recognition. */
    public <T> T recognise(Supplier<T> step) {
        long t0 = System.nanoTime();
        try {
            return step.get();
        } finally {
            recogniseNanos += System.nanoTime() - t0;
        }
    }

    /** Wall time spent decoding, nanoseconds. */
    public long decodeNanos() {
        return decodeNanos;
    }

    /** Wall time spent in the recogniser, nanoseconds. */
    public long recogniseNanos() {
        return recogniseNanos;
    }
}
