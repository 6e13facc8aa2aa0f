package io.omnistream.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaOptionsTest {
    @Test
    void bootstrapServersAreRequiredAndNonBlank() {
        assertThatThrownBy(() -> ConfigSource.load(null, Map.of()).get(KafkaOptions.BOOTSTRAP_SERVERS))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.bootstrap.servers");
        assertThatThrownBy(() -> ConfigSource.load(null, Map.of("kafka.bootstrap.servers", "  "))
                .get(KafkaOptions.BOOTSTRAP_SERVERS)).isInstanceOf(ConfigException.class);
        assertThat(ConfigSource.load(null, Map.of("kafka.bootstrap.servers", " k1:9092,k2:9092 "))
                .get(KafkaOptions.BOOTSTRAP_SERVERS)).isEqualTo("k1:9092,k2:9092");
    }

    @Test
    void registryUrlIsMockOrHttp() {
        assertThat(ConfigSource.load(null, Map.of()).get(KafkaOptions.SCHEMA_REGISTRY_URL)).isEqualTo("mock://omnistream");
        assertThat(ConfigSource.load(null, Map.of("schema.registry.url", "https://sr:8081"))
                .get(KafkaOptions.SCHEMA_REGISTRY_URL)).isEqualTo("https://sr:8081");
        assertThatThrownBy(() -> ConfigSource.load(null, Map.of("schema.registry.url", "sr:8081"))
                .get(KafkaOptions.SCHEMA_REGISTRY_URL))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url")
                .hasMessageContaining("mock://SCOPE, http://... or https://...");
    }

    @Test
    void theSharedKeysAreListedOnce() {
        assertThat(KafkaOptions.options()).extracting(o -> o.key())
                .containsExactly("kafka.bootstrap.servers", "schema.registry.url");
    }
}
