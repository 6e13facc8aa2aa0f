package io.omnistream.runtime.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageOptionsTest {
    private static final StageOptions SINK = StageOptions.withPrefix("sink", 1024, StageOptions.UNLIMITED);

    @Test
    void keysCarryTheServicePrefix() {
        assertThat(SINK.options()).extracting(ConfigOption::key).containsExactly("sink.batch.max-bytes",
                "sink.errors.tolerance", "sink.errors.retry.timeout", "sink.errors.retry.delay.max",
                "sink.errors.max.attempts");
    }

    @Test
    void defaultsKeepDeadLetteringAndWaitWithoutLimit() {
        StagePolicy p = SINK.read(ConfigSource.of(Map.of()));
        assertThat(p.tolerance()).isEqualTo(ErrorTolerance.ALL);
        assertThat(p.retriesForever()).isTrue();
        assertThat(p.retryDelayMax()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.maxAttempts()).isEqualTo(3);
        assertThat(p.batchMaxBytes()).isEqualTo(1024);
    }

    @Test
    void valuesAreParsed() {
        StagePolicy p = SINK.read(ConfigSource.of(Map.of("sink.errors.tolerance", "none",
                "sink.errors.retry.timeout", "10m", "sink.errors.retry.delay.max", "5s",
                "sink.errors.max.attempts", "7", "sink.batch.max-bytes", "2048")));
        assertThat(p).isEqualTo(new StagePolicy(ErrorTolerance.NONE, Duration.ofMinutes(10), Duration.ofSeconds(5), 7, 2048));
        assertThat(SINK.read(ConfigSource.of(Map.of("sink.errors.retry.timeout", "-1"))).retriesForever()).isTrue();
        assertThat(SINK.read(ConfigSource.of(Map.of("sink.errors.retry.timeout", "0"))).retryTimeout()).isEqualTo(Duration.ZERO);
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> SINK.read(ConfigSource.of(Map.of("sink.errors.retry.timeout", "-5s"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sink.errors.retry.timeout");
        assertThatThrownBy(() -> SINK.read(ConfigSource.of(Map.of("sink.errors.tolerance", "some"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sink.errors.tolerance");
        assertThatThrownBy(() -> SINK.read(ConfigSource.of(Map.of("sink.errors.max.attempts", "0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sink.errors.max.attempts");
    }
}
