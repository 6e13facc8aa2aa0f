package io.omnistream.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {
    static final ConfigOption<Integer> BATCH = ConfigOption.integer("encoder.batch.max-size", 32, 1, 4096, "max events per batch");
    static final ConfigOption<Duration> WAIT = ConfigOption.duration("encoder.batch.max-wait", Duration.ofMillis(50), Duration.ZERO, "max wait");
    static final ConfigOption<String> SERVERS = ConfigOption.string("kafka.bootstrap.servers", null, "brokers");

    @Test
    void laterLayersWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "encoder.batch.max-size=8\nencoder.batch.max-wait=2s\n");
        ConfigSource fileOnly = ConfigSource.load(file, Map.of(), Map.of());
        assertThat(fileOnly.get(BATCH)).isEqualTo(8);
        assertThat(fileOnly.get(WAIT)).isEqualTo(Duration.ofSeconds(2));

        ConfigSource withEnv = ConfigSource.load(file, Map.of("OMNISTREAM_ENCODER_BATCH_MAX_SIZE", "16"), Map.of());
        assertThat(withEnv.get(BATCH)).isEqualTo(16);
        assertThat(withEnv.with(Map.of("encoder.batch.max-size", "64")).get(BATCH)).isEqualTo(64);
        assertThat(ConfigSource.of(Map.of()).get(BATCH)).isEqualTo(32);
    }

    @Test
    void invalidValuesNameKeyValueRuleAndLayer() {
        ConfigSource env = ConfigSource.load(null, Map.of("OMNISTREAM_ENCODER_BATCH_MAX_SIZE", "0"), Map.of());
        assertThatThrownBy(() -> env.get(BATCH)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("encoder.batch.max-size").hasMessageContaining("'0'")
                .hasMessageContaining("[1, 4096]").hasMessageContaining("OMNISTREAM_ENCODER_BATCH_MAX_SIZE");
        assertThatThrownBy(() -> ConfigSource.of(Map.of("encoder.batch.max-size", "many")).get(BATCH))
                .isInstanceOf(ConfigException.class).hasMessageContaining("override");
        assertThatThrownBy(() -> ConfigSource.of(Map.of()).get(SERVERS))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing required configuration 'kafka.bootstrap.servers'");
    }

    @Test
    void parsesDurationsInSeveralForms() {
        assertThat(ConfigOption.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(ConfigOption.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(ConfigOption.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ConfigOption.parseDuration("PT3S")).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void explicitValuesOfAPrefixComeFromFileAndOverridesNotDefaultsOrEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "bias.drift.ks.alpha=0.01\nbias.emit-interval=2s\nquality.served.enabled=false\n");
        ConfigSource source = ConfigSource.load(file, Map.of("OMNISTREAM_BIAS_DRIFT_ENABLED", "false"),
                Map.of("bias.emit-interval", "500ms", "biased.key", "x"));
        assertThat(source.explicitValues("bias.")).containsExactly(
                Map.entry("bias.drift.ks.alpha", "0.01"), Map.entry("bias.emit-interval", "500ms"));
        assertThat(source.with(Map.of("quality.served.enabled", "true")).explicitValues("quality."))
                .containsExactly(Map.entry("quality.served.enabled", "true"));
        assertThat(ConfigSource.of(Map.of()).explicitValues("bias.")).isEmpty();
    }
}
