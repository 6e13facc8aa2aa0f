package io.omnistream.runtime.stage;

import java.time.Duration;

/**
 * The error handling and batch byte bound of one stage, as read from {@link StageOptions}.
 *
 * @param tolerance     what happens to a record that can never be processed
 * @param retryTimeout  how long one batch may keep failing transiently before {@code tolerance} decides; negative
 *                      means unlimited (wait for the downstream as long as it takes)
 * @param retryDelayMax cap of the exponential backoff between retries of a batch
 * @param maxAttempts   processing attempts of the batch starting at a record, counted across process restarts,
 *                      after which that record is dead-lettered as a poison pill (stage {@code poison})
 * @param batchMaxBytes most serialized key+value bytes per batch (a single larger record forms a batch alone)
 */
public record StagePolicy(ErrorTolerance tolerance, Duration retryTimeout, Duration retryDelayMax, int maxAttempts,
                          long batchMaxBytes) {
    /** Wait before the first retry; doubles per retry up to {@link #retryDelayMax}. */
    public static final Duration INITIAL_RETRY_DELAY = Duration.ofMillis(100);

    public StagePolicy {
        if (maxAttempts < 1 || batchMaxBytes < 1 || retryDelayMax.isNegative()) {
            throw new IllegalArgumentException("need maxAttempts >= 1, batchMaxBytes >= 1, retryDelayMax >= 0");
        }
    }

    /** Today's defaults: dead-letter bad records, wait for outages without limit, 30 s backoff cap, 3 attempts. */
    public static StagePolicy defaults(long batchMaxBytes) {
        return new StagePolicy(ErrorTolerance.ALL, Duration.ofMillis(-1), Duration.ofSeconds(30), 3, batchMaxBytes);
    }

    public boolean retriesForever() {
        return retryTimeout.isNegative();
    }

    RetryBackoff backoff() {
        Duration initial = INITIAL_RETRY_DELAY.compareTo(retryDelayMax) > 0 ? retryDelayMax : INITIAL_RETRY_DELAY;
        return new RetryBackoff(initial, retryDelayMax);
    }
}
