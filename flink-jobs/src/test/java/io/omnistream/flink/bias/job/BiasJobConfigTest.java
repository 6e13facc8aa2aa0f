package io.omnistream.flink.bias.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BiasJobConfigTest {

    /** The shared keys without defaults, plus {@code more}. */
    private static ConfigSource source(Map<String, String> more) {
        java.util.Map<String, String> all = new java.util.HashMap<>(Map.of("kafka.bootstrap.servers", "localhost:9092",
                "schema.registry.url", "mock://bias-config-test"));
        all.putAll(more);
        return ConfigSource.of(all);
    }

    @Test
    void defaultsAndOverridesAreParsed() {
        BiasJobConfig c = BiasJobConfig.from(source(Map.of("bias.drift.ph.lambda", "0.25",
                "bias.instruction.twin-suffix", "", "bias.window.size", "20s")));
        assertThat(c.phLambda()).isEqualTo(0.25);
        assertThat(c.phDelta()).isEqualTo(0.01);
        assertThat(c.phMinSamples()).isEqualTo(5);
        assertThat(c.twinSuffix()).isEmpty();
        assertThat(c.windowSize()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.alertsTopic()).isEqualTo("quality.alerts.v1");
        assertThat(c.closeIdle()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.restart().maxFailuresPerInterval()).isEqualTo(10);
        assertThat(c.restart().failureRateInterval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.restart().delay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(BiasJobConfig.options()).extracting(o -> o.key()).doesNotHaveDuplicates()
                .contains("bias.drift.ks.alpha", "bias.drift.clear-after", "bias.window.size",
                        "bias.restart.max-failures-per-interval", "bias.restart.failure-rate-interval")
                .doesNotContain("bias.restart.attempts");
    }

    @Test
    void invalidValuesNameTheirKey() {
        assertThatThrownBy(() -> BiasJobConfig.from(source(Map.of("bias.drift.ks.alpha", "1.5"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bias.drift.ks.alpha");
        assertThatThrownBy(() -> BiasJobConfig.from(source(Map.of("bias.drift.ph.lambda", "0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bias.drift.ph.lambda");
        assertThatThrownBy(() -> BiasJobConfig.from(source(Map.of("bias.embedding-topics", "("))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bias.embedding-topics");
    }
}
