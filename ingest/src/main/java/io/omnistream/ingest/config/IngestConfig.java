package io.omnistream.ingest.config;

import io.omnistream.runtime.auth.AuthOptions;
import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.http.HttpTimeouts;
import io.omnistream.runtime.http.HttpTls;
import io.omnistream.runtime.kafka.KafkaConnection;
import io.omnistream.runtime.kafka.KafkaOptions;
import io.omnistream.schemas.Topics;
import io.omnistream.schemas.tenant.Tenants;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Typed, validated configuration of the ingest service. Every key is declared once below with its default, unit and
 * rule; {@link #options()} is what the README's configuration table is checked against.
 *
 * <p>Memory bound: at most {@code ingest.http.threads} requests are read at once, each buffered up to
 * {@code ingest.max-request-bytes}, so request buffering never exceeds threads x max-request-bytes (plus the decoded
 * payloads, each at most {@code ingest.max-payload-bytes}).
 */
public final class IngestConfig {
    public static final ConfigOption<String> HTTP_HOST = ConfigOption.string("ingest.http.host", "127.0.0.1",
            "Address the HTTP API binds to (0.0.0.0 for all interfaces).");
    public static final ConfigOption<Integer> HTTP_PORT = ConfigOption.integer("ingest.http.port", 8080, 0, 65535,
            "TCP port of the HTTP API; 0 picks a free ephemeral port.");
    public static final ConfigOption<Integer> HTTP_THREADS = ConfigOption.integer("ingest.http.threads", 8, 1, 512,
            "Worker threads handling HTTP requests (each may hold one request body in memory).");
    public static final ConfigOption<Integer> HTTP_QUEUE = ConfigOption.integer("ingest.http.queue", 64, 1, 100_000,
            "Requests waiting for a worker thread; beyond this the server answers 429 with Retry-After at once.");
    public static final ConfigOption<Integer> TENANT_REQUESTS_PER_SECOND = ConfigOption.integer(
            "ingest.tenant.requests-per-second", 200, 1, 1_000_000,
            "Sustained requests per second admitted per tenant (a batch is one request); beyond it 429 with Retry-After.");
    public static final ConfigOption<Integer> TENANT_BURST = ConfigOption.integer("ingest.tenant.burst", 400, 1, 10_000_000,
            "Requests a tenant may send at once after being idle (token bucket size).");
    public static final ConfigOption<Integer> TENANT_MAX_CONCURRENT = ConfigOption.integer(
            "ingest.tenant.max-concurrent-requests", 4, 1, 512,
            "Requests of one tenant in progress at once (uploads being read, produced or awaited); beyond it 429. "
                    + "Keep it below ingest.http.threads so one tenant cannot occupy every worker.");
    public static final ConfigOption<String> TOPIC = ConfigOption.string("ingest.topic", Topics.MEDIA_EVENTS,
            "Kafka topic media events are produced to.");
    public static final ConfigOption<Long> MAX_PAYLOAD_BYTES = ConfigOption.longValue("ingest.max-payload-bytes",
            20L * 1024 * 1024, 1, 512L * 1024 * 1024, "Largest decoded inline payload accepted, in bytes.");
    public static final ConfigOption<Long> MAX_REQUEST_BYTES = ConfigOption.longValue("ingest.max-request-bytes",
            32L * 1024 * 1024, 1024, Integer.MAX_VALUE - 8,
            "Largest HTTP request body read, in bytes (single or batch); must hold the base64 of the largest payload.");
    public static final ConfigOption<Integer> MAX_TEXT_CHARS = ConfigOption.integer("ingest.max-text-chars", 100_000, 1,
            16 * 1024 * 1024, "Longest text (and instruction) accepted, in Unicode code points.");
    public static final ConfigOption<Integer> MAX_BATCH_ITEMS = ConfigOption.integer("ingest.max-batch-items", 1000, 1,
            100_000, "Most items in one POST /v1/media:batch request.");
    public static final ConfigOption<Integer> DEDUP_CAPACITY = ConfigOption.integer("ingest.dedup.capacity", 100_000, 0,
            50_000_000, "Content ids remembered for duplicate suppression (LRU by count, about 150 bytes each); 0 disables.");
    public static final ConfigOption<Duration> PRODUCE_TIMEOUT = ConfigOption.duration("ingest.produce.timeout",
            Duration.ofSeconds(30), Duration.ofSeconds(1),
            "Longest wait for the broker to acknowledge a record (Kafka delivery.timeout.ms and max.block.ms).");
    public static final ConfigOption<Duration> PRODUCE_LINGER = ConfigOption.duration("ingest.produce.linger",
            Duration.ofMillis(5), Duration.ZERO, "Kafka linger.ms: how long the producer waits to fill a batch.");
    public static final ConfigOption<Integer> PRODUCE_BATCH_BYTES = ConfigOption.integer("ingest.produce.batch-bytes",
            256 * 1024, 0, 64 * 1024 * 1024, "Kafka batch.size per partition, in bytes.");
    public static final ConfigOption<Duration> READY_TIMEOUT = ConfigOption.duration("ingest.ready.timeout",
            Duration.ofSeconds(2), Duration.ofMillis(10), "Longest /readyz waits for broker metadata of the topic.");
    public static final ConfigOption<String> DEFAULT_TENANT = new ConfigOption<>("ingest.tenant.default", Tenants.DEFAULT,
            "Tenant of events validated without a credential (trusted loaders and tools); requests to the HTTP API "
                    + "always act as the tenant of their credential.", String::trim, t -> Tenants.nameProblem(t) == null,
            "a tenant name: lowercase letters, digits, '-' or '_', at most 64 bytes");

    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private final KafkaConnection kafka;
    private final Optional<SSLContext> tls;
    private final String httpHost;
    private final int httpPort;
    private final int httpThreads;
    private final int httpQueue;
    private final String topic;
    private final long maxPayloadBytes;
    private final long maxRequestBytes;
    private final int maxTextChars;
    private final int maxBatchItems;
    private final int dedupCapacity;
    private final Duration produceTimeout;
    private final Duration produceLinger;
    private final int produceBatchBytes;
    private final Duration readyTimeout;
    private final String defaultTenant;
    private final int tenantRequestsPerSecond;
    private final int tenantBurst;
    private final int tenantMaxConcurrent;

    private IngestConfig(ConfigSource source) {
        bootstrapServers = source.get(KafkaOptions.BOOTSTRAP_SERVERS);
        schemaRegistryUrl = source.get(KafkaOptions.SCHEMA_REGISTRY_URL);
        kafka = KafkaConnection.from(source);
        tls = HttpTls.sslContext(source);
        httpHost = source.get(HTTP_HOST);
        httpPort = source.get(HTTP_PORT);
        httpThreads = source.get(HTTP_THREADS);
        httpQueue = source.get(HTTP_QUEUE);
        topic = source.get(TOPIC);
        maxPayloadBytes = source.get(MAX_PAYLOAD_BYTES);
        maxRequestBytes = source.get(MAX_REQUEST_BYTES);
        maxTextChars = source.get(MAX_TEXT_CHARS);
        maxBatchItems = source.get(MAX_BATCH_ITEMS);
        dedupCapacity = source.get(DEDUP_CAPACITY);
        produceTimeout = source.get(PRODUCE_TIMEOUT);
        produceLinger = source.get(PRODUCE_LINGER);
        produceBatchBytes = source.get(PRODUCE_BATCH_BYTES);
        readyTimeout = source.get(READY_TIMEOUT);
        defaultTenant = source.get(DEFAULT_TENANT);
        Duration httpRequestTimeout = source.get(HttpTimeouts.REQUEST_TIMEOUT);
        tenantRequestsPerSecond = source.get(TENANT_REQUESTS_PER_SECOND);
        tenantBurst = source.get(TENANT_BURST);
        tenantMaxConcurrent = source.get(TENANT_MAX_CONCURRENT);
        if (httpRequestTimeout.compareTo(produceTimeout) <= 0) {
            throw new ConfigException("'" + HttpTimeouts.REQUEST_TIMEOUT.key() + "' (" + httpRequestTimeout.toSeconds()
                    + " s) must be longer than '" + PRODUCE_TIMEOUT.key() + "' (" + produceTimeout.toSeconds()
                    + " s): a request is answered only after the broker acknowledged it");
        }
        if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new ConfigException("invalid value '" + topic + "' for '" + TOPIC.key()
                    + "': expected a Kafka topic name ([a-zA-Z0-9._-], at most 249 characters)");
        }
        long base64OfMaxPayload = 4 * ((maxPayloadBytes + 2) / 3);
        if (maxRequestBytes < base64OfMaxPayload) {
            throw new ConfigException("'" + MAX_REQUEST_BYTES.key() + "' = " + maxRequestBytes
                    + " bytes cannot hold the base64 form (" + base64OfMaxPayload + " bytes) of '"
                    + MAX_PAYLOAD_BYTES.key() + "' = " + maxPayloadBytes + "; raise it or lower the payload limit");
        }
        if (produceLinger.compareTo(produceTimeout) >= 0) {
            throw new ConfigException("'" + PRODUCE_LINGER.key() + "' (" + produceLinger.toMillis()
                    + " ms) must be shorter than '" + PRODUCE_TIMEOUT.key() + "' (" + produceTimeout.toMillis() + " ms)");
        }
    }

    /** Reads and validates every option; throws {@link ConfigException} naming the first bad key. */
    public static IngestConfig from(ConfigSource source) {
        return new IngestConfig(source);
    }

    /** Every option of this service, in documentation order. */
    public static List<ConfigOption<?>> options() {
        List<ConfigOption<?>> options = new java.util.ArrayList<>(KafkaOptions.options());
        options.addAll(List.of(HTTP_HOST, HTTP_PORT, HTTP_THREADS, HTTP_QUEUE));
        options.addAll(HttpTls.options());
        options.addAll(List.of(TOPIC, MAX_PAYLOAD_BYTES, MAX_REQUEST_BYTES, MAX_TEXT_CHARS, MAX_BATCH_ITEMS,
                DEDUP_CAPACITY, PRODUCE_TIMEOUT, PRODUCE_LINGER, PRODUCE_BATCH_BYTES, READY_TIMEOUT, DEFAULT_TENANT,
                TENANT_REQUESTS_PER_SECOND, TENANT_BURST, TENANT_MAX_CONCURRENT));
        options.addAll(AuthOptions.options());
        return List.copyOf(options);
    }

    public String bootstrapServers() { return bootstrapServers; }
    public String schemaRegistryUrl() { return schemaRegistryUrl; }
    /** Kafka client properties (servers, security) and registry settings; every Kafka client of ingest starts from it. */
    public KafkaConnection kafka() { return kafka; }
    /** The HTTP API's TLS context ({@code http.tls.*}); empty: plain HTTP. See {@link HttpTls#createServer}. */
    public Optional<SSLContext> tls() { return tls; }
    public String httpHost() { return httpHost; }
    public int httpPort() { return httpPort; }
    public int httpThreads() { return httpThreads; }
    public int httpQueue() { return httpQueue; }
    public String topic() { return topic; }
    /** Bytes. */
    public long maxPayloadBytes() { return maxPayloadBytes; }
    /** Bytes. */
    public long maxRequestBytes() { return maxRequestBytes; }
    /** Unicode code points. */
    public int maxTextChars() { return maxTextChars; }
    public int maxBatchItems() { return maxBatchItems; }
    public int dedupCapacity() { return dedupCapacity; }
    public Duration produceTimeout() { return produceTimeout; }
    public Duration produceLinger() { return produceLinger; }
    /** Bytes. */
    public int produceBatchBytes() { return produceBatchBytes; }
    public Duration readyTimeout() { return readyTimeout; }
    public String defaultTenant() { return defaultTenant; }
    public int tenantRequestsPerSecond() { return tenantRequestsPerSecond; }
    public int tenantBurst() { return tenantBurst; }
    public int tenantMaxConcurrent() { return tenantMaxConcurrent; }
}
