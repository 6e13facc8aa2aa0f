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
 */
public final class SchemaRegistries {
    /** Schemas cached per client; more than the project's topics times a few versions each. */
    private static final int CACHE_CAPACITY = 1000;
    private static final Map<String, SchemaRegistryClient> CLIENTS = new ConcurrentHashMap<>();

    private SchemaRegistries() {}

    public static SchemaRegistryClient client(String url) {
        Objects.requireNonNull(url, "schema registry url");
        if (!(url.startsWith("mock://") || url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException("schema registry url must start with mock://, http:// or https://, got: " + url);
        }
        return CLIENTS.computeIfAbsent(url, u ->
                SchemaRegistryClientFactory.newClient(List.of(u.split(",")), CACHE_CAPACITY, null, Map.of(), Map.of()));
    }
}
