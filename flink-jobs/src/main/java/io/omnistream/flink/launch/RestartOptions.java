package io.omnistream.flink.launch;

import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import java.time.Duration;
import java.util.List;

/**
 * The restart keys every Flink job of this project has, defined once with the job's prefix:
 * {@code <prefix>.restart.max-failures-per-interval}, {@code <prefix>.restart.failure-rate-interval} and
 * {@code <prefix>.restart.delay} (see {@link RestartPolicy}; the Helm chart sets them from {@code flink.restartStrategy}).
 */
public record RestartOptions(ConfigOption<Integer> maxFailures, ConfigOption<Duration> failureRateInterval,
                             ConfigOption<Duration> delay) {

    /** The keys of the job whose configuration keys start with {@code prefix} (e.g. {@code quality}). */
    public static RestartOptions withPrefix(String prefix) {
        String interval = prefix + ".restart.failure-rate-interval";
        String max = prefix + ".restart.max-failures-per-interval";
        return new RestartOptions(
                ConfigOption.integer(max, 10, 0, 1_000_000, "Failures (each followed by a restart from the last "
                        + "checkpoint) tolerated within one " + interval + "; one more within the same interval fails "
                        + "the job for good (failure-rate strategy: no lifetime cap). 0 = never restart."),
                ConfigOption.duration(interval, Duration.ofMinutes(10), Duration.ofSeconds(1),
                        "Sliding window in which " + max + " failures are counted."),
                ConfigOption.duration(prefix + ".restart.delay", Duration.ofSeconds(5), Duration.ZERO,
                        "Wait before each restart of the job."));
    }

    /** The three keys, in documentation order. */
    public List<ConfigOption<?>> options() {
        return List.of(maxFailures, failureRateInterval, delay);
    }

    /** Reads and validates the keys. */
    public RestartPolicy read(ConfigSource source) {
        return new RestartPolicy(source.get(maxFailures), source.get(failureRateInterval), source.get(delay));
    }
}
