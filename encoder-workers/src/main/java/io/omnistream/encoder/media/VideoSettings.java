package io.omnistream.encoder.media;

import java.time.Duration;
import java.util.Objects;

/**
 * How many frames a video gives and which videos are refused.
 *
 * @param frames          frames sampled per video, uniformly (VLM2Vec-V2 samples 8)
 * @param maxSeconds      longest video accepted (container duration, seconds); longer ones are refused after probing,
 *                        before any frame is decoded
 * @param maxFramePixels  largest width x height of the video stream accepted (one decoded frame costs 4 bytes per
 *                        pixel on the heap while it is converted); refused after probing
 * @param timeout         limit for each ffprobe / ffmpeg run; a run past it is killed and reported as a tool
 *                        problem (retryable), not as bad input
 */
public record VideoSettings(int frames, double maxSeconds, long maxFramePixels, Duration timeout) {
    /** 8 frames (VLM2Vec-V2), 10 minutes, 3840x2160 (4K UHD), 60 s per tool run. */
    public static final VideoSettings DEFAULT = new VideoSettings(8, 600, 3840L * 2160, Duration.ofSeconds(60));

    public VideoSettings {
        if (frames < 1 || frames > 1024) {
            throw new IllegalArgumentException("frames must be in [1, 1024], got " + frames);
        }
        if (!(maxSeconds > 0) || Double.isInfinite(maxSeconds)) {
            throw new IllegalArgumentException("maxSeconds must be finite and > 0, got " + maxSeconds);
        }
        if (maxFramePixels <= 0) {
            throw new IllegalArgumentException("maxFramePixels must be > 0, got " + maxFramePixels);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0, got " + timeout);
        }
    }

    public VideoSettings withFrames(int n) {
        return new VideoSettings(n, maxSeconds, maxFramePixels, timeout);
    }
}
