package io.omnistream.encoder.worker;

import java.time.Duration;

/**
 * Exponential backoff for transient batch failures: the wait before retry {@code n} (1-based) is
 * {@code initial × 2^(n-1)}, capped at {@code max}. No jitter: one worker retries one batch at a time, so there is no
 * herd to spread out.
 */
public record Backoff(Duration initial, Duration max) {
    public Backoff {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 <= initial <= max, got " + initial + ", " + max);
        }
    }

    /** Wait before retry number {@code retry} (1 = the first retry). */
    public Duration delayBefore(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry is 1-based, got " + retry);
        }
        int shift = Math.min(retry - 1, 62);
        long millis = initial.toMillis();
        long scaled = millis == 0 ? 0 : (millis > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : millis << shift);
        return Duration.ofMillis(Math.min(scaled, max.toMillis()));
    }
}
