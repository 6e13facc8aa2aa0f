package io.omnistream.quality.service;

import io.omnistream.runtime.auth.AuthOptions;
import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.http.HttpTls;
import io.omnistream.runtime.kafka.KafkaConnection;
import io.omnistream.runtime.kafka.KafkaOptions;
import io.omnistream.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Typed, validated configuration of the quality plane: where it reads the Flink jobs' output and where it serves the
 * live page. Used by the standalone {@link QualityService} and by the launcher's embedded stack (which overrides the
 * Kafka keys and the page port with its own). Keys of every process that talks to Kafka come from
 * {@link KafkaOptions}; the service shell's own keys ({@code service.metrics.*}) from {@code ServiceRuntime}.
 *
 * <p>The prefix is {@code quality-service.}, not {@code quality.}: that one belongs to the retrieval-quality Flink
 * job ({@code QualityJobConfig}).
 */
public final class QualityServiceConfig {
    public static final ConfigOption<String> METRICS_TOPIC = ConfigOption.string("quality-service.metrics.topic",
            Topics.QUALITY_METRICS,
            "Topic of the quality and modality-bias jobs' RetrievalMetric records, read from the beginning.");
    public static final ConfigOption<String> ALERTS_TOPIC = ConfigOption.string("quality-service.alerts.topic",
            Topics.QUALITY_ALERTS, "Topic of the drift detector's DriftAlert records, read from the beginning.");
    public static final ConfigOption<String> DEPLOYMENTS_TOPIC = ConfigOption.string("quality-service.deployments.topic",
            Topics.DEPLOYMENTS, "Topic of the deployments' upgrade state (Deployment records), read from the beginning.");
    public static final ConfigOption<String> GATE_TOPIC = ConfigOption.string("quality-service.gate.topic",
            Topics.UPGRADE_GATE, "Topic of the upgrade gate's GateDecision records, read from the beginning.");
    public static final ConfigOption<String> WEB_HOST = ConfigOption.string("quality-service.web.host", "127.0.0.1",
            "Address the live quality page and its JSON API bind to (0.0.0.0 for all interfaces; the image sets it).");
    public static final ConfigOption<Integer> WEB_PORT = ConfigOption.integer("quality-service.web.port", 9401, 0, 65535,
            "TCP port of the live quality page and its JSON API; 0 picks a free ephemeral port.");
    public static final ConfigOption<Duration> LAG_INTERVAL = ConfigOption.duration("quality-service.lag.interval",
            Duration.ofSeconds(5), Duration.ofMillis(100),
            "How often consumer lag (omnistream_kafka_consumer_lag) and throughput are sampled; also the longest wait "
                    + "of each Kafka admin request of a sample.");

    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private final KafkaConnection kafka;
    private final Optional<SSLContext> tls;
    private final String metricsTopic;
    private final String alertsTopic;
    private final String deploymentsTopic;
    private final String gateTopic;
    private final String webHost;
    private final int webPort;
    private final Duration lagInterval;

    private QualityServiceConfig(ConfigSource source) {
        bootstrapServers = source.get(KafkaOptions.BOOTSTRAP_SERVERS);
        schemaRegistryUrl = source.get(KafkaOptions.SCHEMA_REGISTRY_URL);
        kafka = KafkaConnection.from(source);
        tls = HttpTls.sslContext(source);
        metricsTopic = topic(source, METRICS_TOPIC);
        alertsTopic = topic(source, ALERTS_TOPIC);
        deploymentsTopic = topic(source, DEPLOYMENTS_TOPIC);
        gateTopic = topic(source, GATE_TOPIC);
        webHost = source.get(WEB_HOST);
        webPort = source.get(WEB_PORT);
        lagInterval = source.get(LAG_INTERVAL);
        if (webHost.isBlank()) {
            throw new ConfigException("'" + WEB_HOST.key() + "' must not be empty");
        }
    }

    private static String topic(ConfigSource source, ConfigOption<String> option) {
        String topic = source.get(option);
        if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new ConfigException("invalid value '" + topic + "' for '" + option.key()
                    + "': expected a Kafka topic name ([a-zA-Z0-9._-], at most 249 characters)");
        }
        return topic;
    }

    /** Reads and validates every option; throws {@link ConfigException} naming the first bad key. */
    public static QualityServiceConfig from(ConfigSource source) {
        return new QualityServiceConfig(source);
    }

    /** Every option of this service, in documentation order. */
    public static List<ConfigOption<?>> options() {
        List<ConfigOption<?>> options = new java.util.ArrayList<>(KafkaOptions.options());
        options.addAll(List.of(METRICS_TOPIC, ALERTS_TOPIC, DEPLOYMENTS_TOPIC, GATE_TOPIC, WEB_HOST, WEB_PORT));
        options.addAll(HttpTls.options());
        options.add(LAG_INTERVAL);
        options.addAll(AuthOptions.options());
        return List.copyOf(options);
    }

    public String bootstrapServers() { return bootstrapServers; }
    public String schemaRegistryUrl() { return schemaRegistryUrl; }
    /** Kafka client properties (servers, security) and registry settings; every Kafka client of the service starts from it. */
    public KafkaConnection kafka() { return kafka; }
    /** TLS of the page and its API ({@code http.tls.*}); empty: plain HTTP. See {@link HttpTls#createServer}. */
    public Optional<SSLContext> tls() { return tls; }
    public String metricsTopic() { return metricsTopic; }
    public String alertsTopic() { return alertsTopic; }
    public String deploymentsTopic() { return deploymentsTopic; }
    public String gateTopic() { return gateTopic; }
    public String webHost() { return webHost; }
    /** The page's port as configured (0: a free one, see {@link QualityPlane#pageUri()}). */
    public int webPort() { return webPort; }
    public Duration lagInterval() { return lagInterval; }
}
