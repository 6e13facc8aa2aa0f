package io.omnistream.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IngestConfigTest {
    private static final Map<String, String> MIN = Map.of("kafka.bootstrap.servers", "localhost:9092");

    @Test
    void defaultsApplyWhenOnlyRequiredKeyIsSet() {
        IngestConfig c = IngestConfig.from(ConfigSource.of(MIN));
        assertThat(c.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(c.schemaRegistryUrl()).isEqualTo("mock://omnistream");
        assertThat(c.httpHost()).isEqualTo("127.0.0.1");
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.topic()).isEqualTo("media.events.v1");
        assertThat(c.maxPayloadBytes()).isEqualTo(20L * 1024 * 1024);
        assertThat(c.defaultTenant()).isEqualTo("default");
        assertThat(c.produceTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void missingBootstrapServersFailsNamingTheKey() {
        assertThatThrownBy(() -> IngestConfig.from(ConfigSource.of(Map.of())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.bootstrap.servers");
    }

    @Test
    void environmentOverridesDefaultsAndOverridesWin() {
        ConfigSource source = ConfigSource.load(null, Map.of("OMNISTREAM_INGEST_HTTP_PORT", "9000",
                "OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS", "k:1"), Map.of("ingest.http.port", "0"));
        IngestConfig c = IngestConfig.from(source);
        assertThat(c.httpPort()).isZero();
        assertThat(c.bootstrapServers()).isEqualTo("k:1");
    }

    @Test
    void outOfRangeAndUnparsableValuesAreRejected() {
        assertThatThrownBy(() -> IngestConfig.from(ConfigSource.of(MIN).with(Map.of("ingest.http.port", "70000"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ingest.http.port");
        assertThatThrownBy(() -> IngestConfig.from(ConfigSource.of(MIN).with(Map.of("ingest.produce.timeout", "soon"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ingest.produce.timeout");
        assertThatThrownBy(() -> IngestConfig.from(ConfigSource.of(MIN).with(Map.of("schema.registry.url", "ftp://x"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> IngestConfig.from(ConfigSource.of(MIN).with(Map.of("ingest.topic", "bad topic!"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ingest.topic");
    }

    @Test
    void requestLimitMustHoldTheBase64OfTheLargestPayload() {
        assertThatThrownBy(() -> IngestConfig.from(ConfigSource.of(MIN).with(Map.of(
                "ingest.max-payload-bytes", "3000", "ingest.max-request-bytes", "3999"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ingest.max-request-bytes");
        IngestConfig ok = IngestConfig.from(ConfigSource.of(MIN).with(Map.of(
                "ingest.max-payload-bytes", "3000", "ingest.max-request-bytes", "4000")));
        assertThat(ok.maxRequestBytes()).isEqualTo(4000);
    }

    @Test
    void lingerMustBeShorterThanTheProduceTimeout() {
        assertThatThrownBy(() -> IngestConfig.from(ConfigSource.of(MIN).with(Map.of(
                "ingest.produce.timeout", "1s", "ingest.produce.linger", "1s"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ingest.produce.linger");
    }

    @Test
    void optionsAreUniqueDocumentedAndCoverTheBriefsKeys() {
        Set<String> keys = new HashSet<>();
        for (ConfigOption<?> o : IngestConfig.options()) {
            assertThat(keys.add(o.key())).as("duplicate key %s", o.key()).isTrue();
            assertThat(o.description()).isNotBlank();
        }
        assertThat(keys).contains("kafka.bootstrap.servers", "schema.registry.url", "ingest.http.host", "ingest.http.port",
                "ingest.topic", "ingest.max-payload-bytes", "ingest.max-text-chars", "ingest.max-batch-items",
                "ingest.dedup.capacity", "ingest.http.threads", "ingest.produce.timeout", "ingest.tenant.default");
    }
}
