package io.omnistream.runtime.stage;

import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import java.time.Duration;
import java.util.List;

/**
 * The keys every Kafka stage shares (error handling after Kafka Connect's {@code errors.*}, and the batch byte
 * bound), defined once here and instantiated per service with the service's key prefix, so that
 * {@code encoder.errors.tolerance} and {@code sink.errors.tolerance} cannot drift apart in meaning, default or
 * validation. Each service's config class lists {@link #options()} next to its own keys.
 */
public final class StageOptions {
    /** {@code errors.retry.timeout} without limit (written {@code -1}): wait out any outage. */
    public static final Duration UNLIMITED = Duration.ofMillis(-1);

    public final ConfigOption<ErrorTolerance> tolerance;
    public final ConfigOption<Duration> retryTimeout;
    public final ConfigOption<Duration> retryDelayMax;
    public final ConfigOption<Integer> maxAttempts;
    public final ConfigOption<Long> batchMaxBytes;

    private StageOptions(String prefix, long defaultBatchMaxBytes, Duration defaultRetryTimeout) {
        tolerance = ConfigOption.enumValue(prefix + ".errors.tolerance", ErrorTolerance.class, ErrorTolerance.ALL,
                "What happens to a record that can never be processed (bad input, permanent failure): ALL (default, "
                        + "today's behaviour) dead-letters it with stage and reason and carries on; NONE stops the "
                        + "stage without committing its batch (fail fast)");
        String retryTimeoutKey = prefix + ".errors.retry.timeout";
        String retryTimeoutDescription = "How long a batch may keep failing transiently (downstream unavailable, "
                + "timeouts) while the stage waits with its partitions paused; after that errors.tolerance decides "
                + "(ALL: dead-letter the batch with reason 'retries exhausted', NONE: stop). -1 = wait without limit, "
                + "duration";
        ConfigOption<Duration> finite = ConfigOption.duration(retryTimeoutKey, Duration.ZERO, Duration.ZERO,
                retryTimeoutDescription);
        retryTimeout = new ConfigOption<>(retryTimeoutKey, defaultRetryTimeout, retryTimeoutDescription,
                s -> s.trim().equals("-1") ? UNLIMITED : finite.parser().apply(s),
                d -> d.equals(UNLIMITED) || !d.isNegative(), "-1 (unlimited) or a duration >= 0 (e.g. 0, 30s, 10m)");
        retryDelayMax = ConfigOption.duration(prefix + ".errors.retry.delay.max", Duration.ofSeconds(30), Duration.ZERO,
                "Cap of the wait between retries of a transiently failing batch; the wait starts at "
                        + StagePolicy.INITIAL_RETRY_DELAY.toMillis() + " ms and doubles, duration");
        maxAttempts = ConfigOption.integer(prefix + ".errors.max.attempts", 3, 1, 1000,
                "Times processing may begin at a record without completing (the process died), counted across "
                        + "restarts in the committed offset's metadata; after a crash the crashed batch's records are "
                        + "processed one at a time, so the count lands on the record that causes it, which is then "
                        + "dead-lettered as a poison pill (stage 'poison') and skipped, attempts");
        batchMaxBytes = ConfigOption.longValue(prefix + ".batch.max-bytes", defaultBatchMaxBytes, 1, Integer.MAX_VALUE,
                "Most serialized key+value bytes per batch; a single larger record forms a batch of its own, bytes");
    }

    /**
     * @param prefix               the service's key prefix, e.g. {@code encoder} or {@code sink}
     * @param defaultBatchMaxBytes the service's default batch byte bound
     * @param defaultRetryTimeout  the service's default {@code errors.retry.timeout}: {@link #UNLIMITED} for a stage
     *                             whose transient failures are outages of a downstream it must wait for (a sink), a
     *                             bound for one whose failures are mostly its own
     */
    public static StageOptions withPrefix(String prefix, long defaultBatchMaxBytes, Duration defaultRetryTimeout) {
        return new StageOptions(prefix, defaultBatchMaxBytes, defaultRetryTimeout);
    }

    /** The keys, in the order the configuration reference lists them. */
    public List<ConfigOption<?>> options() {
        return List.of(batchMaxBytes, tolerance, retryTimeout, retryDelayMax, maxAttempts);
    }

    /** Reads and validates every key. */
    public StagePolicy read(ConfigSource source) {
        return new StagePolicy(source.get(tolerance), source.get(retryTimeout), source.get(retryDelayMax),
                source.get(maxAttempts), source.get(batchMaxBytes));
    }
}
