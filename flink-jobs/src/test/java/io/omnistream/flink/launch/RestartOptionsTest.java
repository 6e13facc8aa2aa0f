package io.omnistream.flink.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestartOptionsTest {
    @Test
    void keysCarryThePrefixAndReadIntoAPolicy() {
        RestartOptions r = RestartOptions.withPrefix("upgrade.gate");
        assertThat(r.options()).extracting(o -> o.key()).containsExactly("upgrade.gate.restart.max-failures-per-interval",
                "upgrade.gate.restart.failure-rate-interval", "upgrade.gate.restart.delay");
        assertThat(r.read(ConfigSource.of(Map.of()))).isEqualTo(new RestartPolicy(10, Duration.ofMinutes(10),
                Duration.ofSeconds(5)));
        assertThat(r.read(ConfigSource.of(Map.of("upgrade.gate.restart.max-failures-per-interval", "0",
                "upgrade.gate.restart.delay", "1s"))).restarts()).isFalse();
        assertThatThrownBy(() -> r.read(ConfigSource.of(Map.of("upgrade.gate.restart.failure-rate-interval", "0s"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("upgrade.gate.restart.failure-rate-interval");
    }
}
