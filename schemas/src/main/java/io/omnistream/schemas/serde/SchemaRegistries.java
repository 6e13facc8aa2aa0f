package io.omnistream.schemas.serde;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaRegistryClientFactory;

/**
 * Schema Registry clients by URL, built with the official Confluent client (the copy shaded into Flink's
 * {@code flink-sql-avro-confluent-registry}).
 *
 * <p>{@code mock://SCOPE} gives the client's own in-memory registry for that scope (shared by everything in this
 * JVM that names the same scope: the embedded stack and tests). {@code http(s)://host:port[,…]} gives a caching
 * REST client for a real Confluent-compatible registry.
 *
 * <p><b>Authentication and TLS.</b> A process registers the client configuration of its registry once, at startup,
 * with {@link #configure} (HTTP basic auth: {@code basic.auth.credentials.source=USER_INFO},
 * {@code basic.auth.user.info}; TLS: {@code schema.registry.ssl.truststore.*}, the Confluent client's keys); every
 * client built for that URL afterwards, by any serde, uses it. The configuration is never logged.
 */
public final class SchemaRegistries {
    /** Schemas cached per client; more than the project's topics times a few versions each. */
    private static final int CACHE_CAPACITY = 1000;
    private static final Map<String, SchemaRegistryClient> CLIENTS = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, String>> CONFIGS = new ConcurrentHashMap<>();

    private SchemaRegistries() {}

    /**
     * Sets the Confluent client configuration for {@code url} in this JVM. Idempotent for an equal configuration; a
     * different one replaces it, and clients built afterwards use it (a client built before keeps the old one, so call
     * this before the first serde). Nothing happens for an empty configuration or a {@code mock://} scope (a registry
     * inside this JVM has no authentication or TLS), so callers pass whatever the configuration says.
     */
    public static void configure(String url, Map<String, String> clientConfig) {
        requireUrl(url);
        if (clientConfig.isEmpty() || url.startsWith("mock://")) {
            return;
        }
        Map<String, String> config = Map.copyOf(clientConfig);
        Map<String, String> previous = CONFIGS.put(url, config);
        if (previous != null && !previous.equals(config) || previous == null && !config.isEmpty()) {
            CLIENTS.remove(url);
        }
    }

    /** The configuration {@link #configure} registered for {@code url}; empty if none (package-visible for tests). */
    static Map<String, String> configuration(String url) {
        return CONFIGS.getOrDefault(url, Map.of());
    }

    public static SchemaRegistryClient client(String url) {
        requireUrl(url);
        return CLIENTS.computeIfAbsent(url, u -> SchemaRegistryClientFactory.newClient(List.of(u.split(",")),
                CACHE_CAPACITY, null, CONFIGS.getOrDefault(u, Map.of()), Map.of()));
    }

    private static void requireUrl(String url) {
        Objects.requireNonNull(url, "schema registry url");
        if (!(url.startsWith("mock://") || url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException("schema registry url must start with mock://, http:// or https://, got: " + url);
        }
    }
}
