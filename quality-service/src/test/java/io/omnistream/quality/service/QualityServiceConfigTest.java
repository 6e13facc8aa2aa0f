package io.omnistream.quality.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.auth.AuthOptions;
import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.kafka.KafkaOptions;
import io.omnistream.schemas.Topics;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityServiceConfigTest {
    private static final Map<String, String> REQUIRED = Map.of("kafka.bootstrap.servers", "broker:9092");

    @Test
    void defaultsAreTheDocumentedOnes() {
        QualityServiceConfig config = QualityServiceConfig.from(ConfigSource.of(REQUIRED));
        assertThat(config.bootstrapServers()).isEqualTo("broker:9092");
        assertThat(config.metricsTopic()).isEqualTo(Topics.QUALITY_METRICS);
        assertThat(config.alertsTopic()).isEqualTo(Topics.QUALITY_ALERTS);
        assertThat(config.webHost()).isEqualTo("127.0.0.1");
        assertThat(config.webPort()).isEqualTo(9401);
        assertThat(config.lagInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void keysUseTheQualityServicePrefixAndTheSharedKafkaTlsAndAuthKeys() {
        assertThat(QualityServiceConfig.options()).startsWith(KafkaOptions.options().toArray(new ConfigOption<?>[0]));
        assertThat(QualityServiceConfig.options()).endsWith(AuthOptions.options().toArray(new ConfigOption<?>[0]));
        // besides the shared Kafka, HTTP TLS and auth keys, every key is the service's own
        assertThat(QualityServiceConfig.options()).containsAll(io.omnistream.runtime.http.HttpTls.options());
        assertThat(QualityServiceConfig.options().stream().skip(KafkaOptions.options().size()).map(ConfigOption::key)
                .filter(k -> !k.startsWith("http.tls.") && !k.startsWith("auth.")))
                .allMatch(k -> k.startsWith("quality-service."));
        assertThat(QualityServiceConfig.WEB_HOST.envVar()).isEqualTo("OMNISTREAM_QUALITY_SERVICE_WEB_HOST");
        assertThat(QualityServiceConfig.WEB_PORT.envVar()).isEqualTo("OMNISTREAM_QUALITY_SERVICE_WEB_PORT");
    }

    @Test
    void rejectsAMissingBrokerABadTopicAndABadRegistryNamingTheKey() {
        assertThatThrownBy(() -> QualityServiceConfig.from(ConfigSource.of(Map.of())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.bootstrap.servers");
        assertThatThrownBy(() -> QualityServiceConfig.from(ConfigSource.of(Map.of("kafka.bootstrap.servers", "b:1",
                "quality-service.alerts.topic", "no spaces"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("quality-service.alerts.topic");
        assertThatThrownBy(() -> QualityServiceConfig.from(ConfigSource.of(Map.of("kafka.bootstrap.servers", "b:1",
                "schema.registry.url", "ftp://x"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> QualityServiceConfig.from(ConfigSource.of(Map.of("kafka.bootstrap.servers", "b:1",
                "quality-service.web.port", "70000"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("quality-service.web.port");
    }
}
