package io.omnistream.runtime.kafka;

import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.serde.SchemaRegistries;
import java.io.Serial;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.types.Password;

/**
 * How a service reaches Kafka and the Schema Registry, resolved once from the shared {@link KafkaOptions} keys: the
 * client properties (bootstrap servers and security) and the registry URL with its client configuration.
 *
 * <p>A value to keep in a service's config object: it is {@link Serializable} (Flink jobs ship their config to the
 * task managers) and its {@link #toString()} names the servers and protocol but never a secret. Every Kafka client of a
 * service starts from {@link #clientProperties()}.
 */
public final class KafkaConnection implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    /** Client properties whose values are secrets: handed to Kafka as {@link Password}s. */
    private static final java.util.Set<String> SECRET_KEYS = java.util.Set.of("sasl.jaas.config",
            "ssl.truststore.password", "ssl.keystore.password", "ssl.key.password");

    private final Map<String, String> clientProperties;
    private final String registryUrl;
    private final Map<String, String> registryConfig;

    private KafkaConnection(Map<String, String> clientProperties, String registryUrl, Map<String, String> registryConfig) {
        this.clientProperties = Map.copyOf(clientProperties);
        this.registryUrl = Objects.requireNonNull(registryUrl, "registryUrl");
        this.registryConfig = Map.copyOf(registryConfig);
    }

    /**
     * Reads and validates the shared keys.
     *
     * @throws ConfigException as {@link KafkaOptions#clientProperties} and {@link KafkaOptions#registryClientConfig}
     */
    public static KafkaConnection from(ConfigSource source) {
        Map<String, String> props = new LinkedHashMap<>();
        KafkaOptions.asStrings(KafkaOptions.clientProperties(source)).forEach((k, v) -> props.put((String) k, (String) v));
        return new KafkaConnection(props, source.get(KafkaOptions.SCHEMA_REGISTRY_URL),
                KafkaOptions.registryClientConfig(source));
    }

    /** A PLAINTEXT connection to {@code bootstrapServers} with a registry without authentication (embedded stack, tests). */
    public static KafkaConnection plaintext(String bootstrapServers, String registryUrl) {
        return new KafkaConnection(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT"), registryUrl, Map.of());
    }

    public String bootstrapServers() {
        return clientProperties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    }

    /** {@code security.protocol}: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. */
    public String securityProtocol() {
        return clientProperties.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
    }

    /**
     * A new mutable map of the client properties (bootstrap servers, security) to add a client's own settings to;
     * secrets are {@link Password} values, so Kafka's config dump and this map's {@code toString()} hide them.
     */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        clientProperties.forEach((k, v) -> props.put(k, SECRET_KEYS.contains(k) ? new Password(v) : v));
        return props;
    }

    /** The client properties as plain strings, for Flink's Kafka builders; never log the result (secrets in clear). */
    public Properties clientPropertiesAsStrings() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        return props;
    }

    public String registryUrl() {
        return registryUrl;
    }

    /** The Confluent registry client configuration (basic auth, TLS); holds the registry password, never log it. */
    public Map<String, String> registryConfig() {
        return registryConfig;
    }

    /**
     * Registers {@link #registryConfig()} for {@link #registryUrl()} in this JVM (see
     * {@link SchemaRegistries#configure}), so every serde built from the URL authenticates. Nothing for mock:// URLs
     * or when there is no registry configuration.
     */
    public KafkaConnection configureRegistry() {
        SchemaRegistries.configure(registryUrl, registryConfig);
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KafkaConnection other && clientProperties.equals(other.clientProperties)
                && registryUrl.equals(other.registryUrl) && registryConfig.equals(other.registryConfig);
    }

    @Override
    public int hashCode() {
        return Objects.hash(clientProperties, registryUrl, registryConfig);
    }

    /** Servers, protocol, registry and whether it authenticates; never a secret. */
    @Override
    public String toString() {
        return "KafkaConnection[" + bootstrapServers() + ", " + securityProtocol() + ", registry " + registryUrl
                + (registryConfig.containsKey("basic.auth.user.info") ? " (basic auth)" : "") + "]";
    }
}
