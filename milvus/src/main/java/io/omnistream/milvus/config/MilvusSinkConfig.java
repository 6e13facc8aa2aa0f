package io.omnistream.milvus.config;

import io.omnistream.milvus.collection.IndexSettings;
import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.kafka.KafkaConnection;
import io.omnistream.runtime.kafka.KafkaOptions;
import io.omnistream.runtime.stage.StageOptions;
import io.omnistream.runtime.stage.StagePolicy;
import io.omnistream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of the Milvus sink (one instance per embedding topic) and of the Milvus client the search side
 * shares. Resolved from a {@link ConfigSource}; every value is parsed and validated when the config is built.
 *
 * @param kafka Kafka client properties (servers, security) and registry settings; the sink's clients start from it
 */
public record MilvusSinkConfig(
        String bootstrapServers,
        String schemaRegistryUrl,
        MilvusConnection milvus,
        String topic,
        String groupId,
        String dlqTopic,
        int batchMaxSize,
        Duration batchMaxWait,
        StagePolicy errors,
        IndexSettings index,
        int searchEf,
        KafkaConnection kafka) {

    public static final ConfigOption<String> MILVUS_URI = ConfigOption.string("milvus.uri", "http://127.0.0.1:19530",
            "Milvus endpoint, http://host:port (the embedded Milvus Lite server's URI, or Milvus standalone/cluster).");
    public static final ConfigOption<String> MILVUS_TOKEN = new ConfigOption<>("milvus.token", "",
            "Milvus credentials, user:password or API key; empty for none.", s -> s.trim(), s -> true,
            "any string; empty means no authentication");
    public static final ConfigOption<Duration> MILVUS_REQUEST_TIMEOUT = ConfigOption.duration("milvus.request.timeout",
            Duration.ofSeconds(30), Duration.ofMillis(100), "Deadline of each Milvus RPC.");
    public static final ConfigOption<String> SINK_TOPIC = ConfigOption.string("sink.topic", null,
            "Embedding topic to consume, e.g. embeddings.bge-small-en-v1.5.v1 (key content id, value EmbeddingEvent, tombstone = delete).");
    public static final ConfigOption<String> SINK_GROUP_ID = ConfigOption.string("sink.group.id", "omnistream-milvus-sink",
            "Kafka consumer group of the sink; offsets are committed only after Milvus accepted the batch.");
    public static final ConfigOption<String> SINK_DLQ_TOPIC = ConfigOption.string("sink.dlq.topic", Topics.DLQ,
            "Dead-letter topic for records that can never be written (FailedEvent, stage 'sink').");
    public static final ConfigOption<Integer> SINK_BATCH_MAX_SIZE = ConfigOption.integer("sink.batch.max-size", 256, 1, 10_000,
            "Maximum Kafka records per Milvus write batch (records).");
    public static final ConfigOption<Duration> SINK_BATCH_MAX_WAIT = ConfigOption.duration("sink.batch.max-wait",
            Duration.ofMillis(50), Duration.ofMillis(1),
            "Maximum time the first record of a batch waits before the batch is written, even if not full: part of every "
                    + "event's time to searchable (one upsert call per batch to Milvus).");
    /**
     * The stage keys every Kafka stage shares, with the sink's prefix: {@code sink.batch.max-bytes} and
     * {@code sink.errors.*}. Milvus unavailable or timing out is transient: the sink pauses and waits (no limit by
     * default) instead of dead-lettering.
     */
    public static final StageOptions STAGE = StageOptions.withPrefix("sink", 16L * 1024 * 1024,
            StageOptions.UNLIMITED);
    public static final ConfigOption<IndexSettings.IndexType> MILVUS_INDEX_TYPE = ConfigOption.enumValue("milvus.index.type",
            IndexSettings.IndexType.class, IndexSettings.IndexType.HNSW,
            "Vector index of new collections (metric COSINE). HNSW is supported by Milvus Lite 3.2.2 (FAISS) and Milvus.");
    public static final ConfigOption<Integer> MILVUS_HNSW_M = ConfigOption.integer("milvus.hnsw.m", 16, 2, 2048,
            "HNSW graph degree M (edges per node) of new collections.");
    public static final ConfigOption<Integer> MILVUS_HNSW_EF_CONSTRUCTION = ConfigOption.integer("milvus.hnsw.ef-construction",
            200, 1, 65_535, "HNSW build-time candidate list size of new collections.");
    public static final ConfigOption<Integer> MILVUS_SEARCH_EF = ConfigOption.integer("milvus.search.ef", 64, 1, 65_535,
            "HNSW search-time candidate list size; raised to k when k is larger. Higher = better recall, slower.");

    public static List<ConfigOption<?>> options() {
        List<ConfigOption<?>> options = new ArrayList<>(KafkaOptions.options());
        options.addAll(List.of(MILVUS_URI, MILVUS_TOKEN, MILVUS_REQUEST_TIMEOUT, SINK_TOPIC,
                SINK_GROUP_ID, SINK_DLQ_TOPIC, SINK_BATCH_MAX_SIZE, SINK_BATCH_MAX_WAIT));
        options.addAll(STAGE.options());
        options.addAll(List.of(MILVUS_INDEX_TYPE, MILVUS_HNSW_M, MILVUS_HNSW_EF_CONSTRUCTION, MILVUS_SEARCH_EF));
        return List.copyOf(options);
    }

    /** Reads and validates every option. @throws ConfigException naming the key, value, rule and layer */
    public static MilvusSinkConfig from(ConfigSource source) {
        String uri = source.get(MILVUS_URI);
        if (!(uri.startsWith("http://") || uri.startsWith("https://") || uri.startsWith("tcp://"))) {
            throw new ConfigException("invalid value '" + uri + "' for '" + MILVUS_URI.key()
                    + "': expected http(s)://host:port");
        }
        return new MilvusSinkConfig(
                source.get(KafkaOptions.BOOTSTRAP_SERVERS),
                source.get(KafkaOptions.SCHEMA_REGISTRY_URL),
                new MilvusConnection(uri, source.get(MILVUS_TOKEN), source.get(MILVUS_REQUEST_TIMEOUT)),
                source.get(SINK_TOPIC),
                source.get(SINK_GROUP_ID),
                source.get(SINK_DLQ_TOPIC),
                source.get(SINK_BATCH_MAX_SIZE),
                source.get(SINK_BATCH_MAX_WAIT),
                STAGE.read(source),
                new IndexSettings(source.get(MILVUS_INDEX_TYPE), source.get(MILVUS_HNSW_M),
                        source.get(MILVUS_HNSW_EF_CONSTRUCTION)),
                source.get(MILVUS_SEARCH_EF),
                KafkaConnection.from(source));
    }
}
