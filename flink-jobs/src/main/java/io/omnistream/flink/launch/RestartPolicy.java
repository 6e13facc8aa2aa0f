package io.omnistream.flink.launch;

import java.io.Serializable;
import java.time.Duration;

/**
 * How a job restarts after failures: Flink's {@code failure-rate} strategy. A job that fails now and then (a broker
 * roll, a node drained) restarts forever; one that fails more than {@code maxFailuresPerInterval} times within any
 * {@code failureRateInterval} is broken and fails for good instead of looping. This replaces a lifetime cap on
 * restarts, which a long-running job eventually spends on unrelated, healthy-cluster events.
 *
 * @param maxFailuresPerInterval failures tolerated (each followed by a restart) within one interval; the next one
 *     within the same interval fails the job. 0 = never restart (Flink's {@code none} strategy; tests use it).
 * @param failureRateInterval the sliding window the failures are counted in; &gt; 0
 * @param delay wait before each restart; &gt;= 0
 */
public record RestartPolicy(int maxFailuresPerInterval, Duration failureRateInterval, Duration delay)
        implements Serializable {

    public RestartPolicy {
        if (maxFailuresPerInterval < 0) {
            throw new IllegalArgumentException("maxFailuresPerInterval must be >= 0: " + maxFailuresPerInterval);
        }
        if (failureRateInterval.isNegative() || failureRateInterval.isZero()) {
            throw new IllegalArgumentException("failureRateInterval must be > 0: " + failureRateInterval);
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must be >= 0: " + delay);
        }
    }

    /** Whether the job is restarted at all. */
    public boolean restarts() {
        return maxFailuresPerInterval > 0;
    }
}
