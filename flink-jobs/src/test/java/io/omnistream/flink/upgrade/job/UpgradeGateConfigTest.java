package io.omnistream.flink.upgrade.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpgradeGateConfigTest {

    private static ConfigSource source(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(Map.of("kafka.bootstrap.servers", "localhost:9092",
                "schema.registry.url", "mock://gate-config-test"));
        all.putAll(more);
        return ConfigSource.of(all);
    }

    @Test
    void defaultsAndOverridesAreParsed() {
        UpgradeGateConfig c = UpgradeGateConfig.from(source(Map.of("upgrade.gate.wait-for-served", "false",
                "upgrade.gate.twin-suffix", "")));
        assertThat(c.deploymentsTopic()).isEqualTo("omnistream.deployments.v1");
        assertThat(c.judgmentsTopic()).isEqualTo("bench.judgments.v1");
        assertThat(c.metricsTopic()).isEqualTo("quality.metrics.v1");
        assertThat(c.gateTopic()).isEqualTo("upgrade.gate.v1");
        assertThat(c.groupId()).isEqualTo("omnistream-upgrade-gate");
        assertThat(c.waitForServed()).isFalse();
        assertThat(c.waitForBias()).isFalse();
        assertThat(c.twinSuffix()).isEmpty();
        assertThat(c.retainedEpochs()).isEqualTo(10);
        assertThat(c.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.restart().maxFailuresPerInterval()).isEqualTo(10);
        assertThat(UpgradeGateConfig.options()).extracting(o -> o.key()).doesNotHaveDuplicates()
                .contains("kafka.bootstrap.servers", "upgrade.gate.topic", "upgrade.gate.wait-for-served",
                        "upgrade.gate.wait-for-bias", "upgrade.gate.retained-epochs");
    }

    @Test
    void outOfRangeValuesAreRejectedNamingTheKey() {
        assertThatThrownBy(() -> UpgradeGateConfig.from(source(Map.of("upgrade.gate.retained-epochs", "0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("upgrade.gate.retained-epochs");
        assertThatThrownBy(() -> UpgradeGateConfig.from(source(Map.of("upgrade.gate.wait-for-bias", "maybe"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("upgrade.gate.wait-for-bias");
    }
}
