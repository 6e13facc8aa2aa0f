package io.omnistream.encoder.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.encoder.cascade.ToolSandbox;
import io.omnistream.encoder.model.ExecutionProvider;
import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncoderWorkerConfigTest {
    private static EncoderWorkerConfig config(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(Map.of("kafka.bootstrap.servers", "localhost:9092"));
        all.putAll(values);
        return new EncoderWorkerConfig(ConfigSource.of(all));
    }

    @Test
    void defaults() {
        EncoderWorkerConfig c = config(Map.of());
        assertThat(c.model()).isEqualTo("bge-small-en-v1.5");
        assertThat(c.outputTopic()).isEqualTo("embeddings.bge-small-en-v1.5.v1");
        assertThat(c.groupId()).isEqualTo("omnistream-encoder");
        assertThat(c.inputTopic()).isEqualTo("media.events.v1");
        assertThat(c.dlqTopic()).isEqualTo("media.dlq.v1");
        assertThat(c.batchMaxSize()).isEqualTo(32);
        assertThat(c.batchMaxWait()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.executionProvider()).isEqualTo(ExecutionProvider.AUTO);
        assertThat(c.schemaRegistryUrl()).isEqualTo("mock://omnistream");
        assertThat(c.modelSpec().id()).isEqualTo("bge-small-en-v1.5");
        // bounded, unlike the sink's: a failure that persists is the worker's own, not an outage to wait out
        assertThat(c.errors().retriesForever()).isFalse();
        assertThat(c.errors().retryTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void fetchingIsOffByDefaultAndConfigurable() {
        var off = config(Map.of()).fetch();
        assertThat(off.allowedHosts().isEmpty()).isTrue();
        assertThat(off.allowHttp()).isFalse();
        assertThat(off.allowPrivateAddresses()).isFalse();
        assertThat(off.maxBytes()).isEqualTo(20L * 1024 * 1024);
        assertThat(off.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(off.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(off.maxRedirects()).isEqualTo(3);
        assertThat(off.truststore()).isNull();
        assertThat(off.truststorePassword()).isNull();

        var on = config(Map.of("encoder.fetch.allowed-hosts", "media.example.com, *.cdn.example.org",
                "encoder.fetch.max-bytes", "1048576", "encoder.fetch.timeout", "10s", "encoder.fetch.connect-timeout",
                "500ms", "encoder.fetch.max-redirects", "0", "encoder.fetch.truststore", "/etc/omnistream/ca.p12",
                "encoder.fetch.truststore-password", "pw")).fetch();
        assertThat(on.allowedHosts().allows("media.example.com")).isTrue();
        assertThat(on.allowedHosts().allows("a.cdn.example.org")).isTrue();
        assertThat(on.allowedHosts().allows("cdn.example.org")).isFalse();
        assertThat(on.maxBytes()).isEqualTo(1_048_576L);
        assertThat(on.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(on.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(on.maxRedirects()).isZero();
        assertThat(on.truststore()).isEqualTo("/etc/omnistream/ca.p12");
        assertThat(on.truststorePassword()).isEqualTo("pw");

        assertThatThrownBy(() -> config(Map.of("encoder.fetch.allowed-hosts", "https://media.example.com")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("encoder.fetch.allowed-hosts")
                .hasMessageContaining("https://media.example.com");
        assertThatThrownBy(() -> config(Map.of("encoder.fetch.max-redirects", "11")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("encoder.fetch.max-redirects");
    }

    @Test
    void bootstrapServersAreRequired() {
        assertThatThrownBy(() -> new EncoderWorkerConfig(ConfigSource.of(Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.bootstrap.servers")
                .hasMessageContaining("OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void valuesAreParsedAndRangeChecked() {
        EncoderWorkerConfig c = config(Map.of("encoder.batch.max-size", "64", "encoder.batch.max-wait", "20ms",
                "encoder.execution-provider", "cpu", "encoder.batch.max-padding-ratio", "inf"));
        assertThat(c.batchMaxSize()).isEqualTo(64);
        assertThat(c.batchMaxWait()).isEqualTo(Duration.ofMillis(20));
        assertThat(c.encoderSettings().executionProvider()).isEqualTo(ExecutionProvider.CPU);
        assertThat(c.encoderSettings().maxPaddingRatio()).isInfinite();

        assertThatThrownBy(() -> config(Map.of("encoder.batch.max-size", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("encoder.batch.max-size").hasMessageContaining("[1, 4096]");
        assertThatThrownBy(() -> config(Map.of("encoder.execution-provider", "TPU")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("[AUTO, CUDA, CPU]");
        assertThatThrownBy(() -> config(Map.of("encoder.batch.max-padding-ratio", "0.5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("number >= 1");
    }

    @Test
    void mediaToolLimitsHaveSafeDefaultsAndAreConfigurable() {
        ToolSandbox.Limits defaults = config(Map.of()).toolLimits();
        assertThat(defaults.maxAddressSpaceBytes()).isEqualTo(4L << 30);
        assertThat(defaults.maxCpuSeconds()).isEqualTo(300);
        assertThat(defaults.maxFileBytes()).isEqualTo(1L << 30);
        assertThat(defaults.maxOpenFiles()).isEqualTo(256);
        assertThat(defaults.isolateNetwork()).isTrue();
        assertThat(defaults.stderrTailBytes()).isEqualTo(64 << 10);
        assertThat(defaults.tempDir()).isNull();

        ToolSandbox.Limits set = config(Map.of("encoder.tools.max-memory", "2147483648", "encoder.tools.max-cpu-seconds",
                "30", "encoder.tools.max-file-size", "1000000", "encoder.tools.max-open-files", "32",
                "encoder.tools.isolate-network", "false", "encoder.tools.stderr-tail-bytes", "4096",
                "encoder.tools.temp-dir", "/var/tmp/omnistream-worker-1")).toolLimits();
        assertThat(set).isEqualTo(new ToolSandbox.Limits(2L << 30, 30, 1_000_000, 32, false, 4096,
                Path.of("/var/tmp/omnistream-worker-1")));
        assertThatThrownBy(() -> config(Map.of("encoder.tools.max-memory", "1000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("encoder.tools.max-memory");
        assertThatThrownBy(() -> config(Map.of("encoder.tools.max-open-files", "2")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("encoder.tools.max-open-files");
    }

    @Test
    void crossFieldRulesAreChecked() {
        assertThatThrownBy(() -> config(Map.of("encoder.dlq.topic", "media.events.v1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must all differ");
        assertThatThrownBy(() -> config(Map.of("schema.registry.url", "localhost:8081")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
    }

    @Test
    void unknownModelIsReportedWithTheKnownIds() {
        EncoderWorkerConfig c = config(Map.of("encoder.model", "nope"));
        assertThatThrownBy(c::modelSpec).isInstanceOf(ConfigException.class)
                .hasMessageContaining("encoder.model").hasMessageContaining("all-minilm-l6-v2");
    }

    @Test
    void environmentOverridesFile() {
        ConfigSource source = ConfigSource.load(null,
                Map.of("OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS", "k:1", "OMNISTREAM_ENCODER_BATCH_MAX_SIZE", "8"), Map.of());
        assertThat(new EncoderWorkerConfig(source).batchMaxSize()).isEqualTo(8);
    }

    @Test
    void everyOptionIsListedOnceAndDocumented() {
        List<ConfigOption<?>> options = EncoderWorkerConfig.options();
        assertThat(options).extracting(ConfigOption::key).doesNotHaveDuplicates()
                .contains("kafka.bootstrap.servers", "schema.registry.url", "encoder.model", "encoder.models.file",
                        "encoder.group.id", "encoder.input.topic", "encoder.dlq.topic", "encoder.batch.max-size",
                        "encoder.batch.max-wait", "encoder.execution-provider", "encoder.intra-op-threads",
                        "encoder.batch.max-bytes", "encoder.errors.tolerance", "encoder.errors.retry.timeout",
                        "encoder.errors.retry.delay.max", "encoder.errors.max.attempts");
        assertThat(options).allSatisfy(o -> assertThat(o.description()).isNotBlank());
        // Every public ConfigOption constant must be in options(), or the README table would miss it.
        long constants = java.util.Arrays.stream(EncoderWorkerConfig.class.getFields())
                .filter(f -> f.getType() == ConfigOption.class).count();
        // ... plus the shared Kafka keys, defined once in KafkaOptions, the shared stage keys (StageOptions) and the
        // Whisper recogniser's keys (defined beside it, in WhisperSettings)
        assertThat(options).hasSize((int) constants + io.omnistream.runtime.kafka.KafkaOptions.options().size()
                + EncoderWorkerConfig.STAGE.options().size() + io.omnistream.encoder.asr.WhisperSettings.options().size());
    }
}
