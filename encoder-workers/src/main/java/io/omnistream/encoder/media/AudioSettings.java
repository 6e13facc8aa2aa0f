package io.omnistream.encoder.media;

import java.time.Duration;
import java.util.Objects;

/**
 * Which audio is refused and how long decoding may take.
 *
 * @param maxSeconds hard limit on the source's duration (ffprobe, container): longer audio is refused before
 *                   decoding. Audio within the limit but longer than a model's clip is truncated to the clip (see
 *                   {@link AudioSamples#decode})
 * @param timeout    limit for each ffprobe / ffmpeg run; past it the run is killed and reported as a tool problem
 *                   (retryable)
 */
public record AudioSettings(double maxSeconds, Duration timeout) {
    /** 10 minutes, 60 s per tool run. */
    public static final AudioSettings DEFAULT = new AudioSettings(600, Duration.ofSeconds(60));

    public AudioSettings {
        if (!(maxSeconds > 0) || Double.isInfinite(maxSeconds)) {
            throw new IllegalArgumentException("maxSeconds must be finite and > 0, got " + maxSeconds);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0, got " + timeout);
        }
    }
}
