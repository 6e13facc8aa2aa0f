package io.omnistream.runtime.stage;

import java.time.Duration;

/**
 * Exponential backoff for transient failures: the wait before retry {@code n} (1-based) is
 * {@code initial × 2^(n-1)}, capped at {@code max}. No jitter: one stage retries one batch at a time, so there is no
 * herd to spread out.
 */
public record RetryBackoff(Duration initial, Duration max) {
    public RetryBackoff {
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
