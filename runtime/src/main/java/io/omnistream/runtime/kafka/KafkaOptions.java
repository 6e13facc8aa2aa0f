package io.omnistream.runtime.kafka;

import io.omnistream.runtime.config.ConfigOption;
import java.util.List;

/**
 * The configuration keys every process that talks to Kafka shares (ingest, encoder workers, Milvus sink, Flink jobs,
 * quality service), defined once here so that a key, its default and its description cannot drift apart between
 * services. Each service's config class lists these in its {@code options()} next to its own keys.
 */
public final class KafkaOptions {
    public static final ConfigOption<String> BOOTSTRAP_SERVERS = new ConfigOption<>("kafka.bootstrap.servers", null,
            "Kafka bootstrap servers, host:port[,host:port...]. Required.", String::trim, s -> !s.isBlank(),
            "non-empty");
    public static final ConfigOption<String> SCHEMA_REGISTRY_URL = new ConfigOption<>("schema.registry.url",
            "mock://omnistream",
            "Schema Registry URL: http(s)://host:port[/path] of a Confluent-compatible registry (e.g. Apicurio's "
                    + "/apis/ccompat/v7), required by every standalone service; or mock://SCOPE, a registry inside one "
                    + "JVM (the embedded stack and tests only).", String::trim,
            url -> url.startsWith("mock://") || url.startsWith("http://") || url.startsWith("https://"),
            "mock://SCOPE, http://... or https://...");

    private KafkaOptions() {
    }

    /** The shared keys, in the order the configuration reference lists them. */
    public static List<ConfigOption<?>> options() {
        return List.of(BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL);
    }
}
