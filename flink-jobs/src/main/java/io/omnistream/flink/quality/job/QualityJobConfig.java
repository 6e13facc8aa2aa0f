package io.omnistream.flink.quality.job;

import io.omnistream.flink.launch.RestartOptions;
import io.omnistream.flink.launch.RestartPolicy;
import io.omnistream.milvus.config.MilvusConnection;
import io.omnistream.milvus.config.MilvusSinkConfig;
import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.kafka.KafkaConnection;
import io.omnistream.runtime.kafka.KafkaOptions;
import io.omnistream.schemas.Topics;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Configuration of the retrieval-quality Flink job. The Kafka, registry and Milvus keys are the ones the other
 * services read ({@code kafka.bootstrap.servers}, {@code schema.registry.url}, {@code milvus.*}), so one config file
 * serves the whole pipeline. Every value is parsed and validated when the config is built.
 */
public record QualityJobConfig(
        String bootstrapServers,
        String schemaRegistryUrl,
        String embeddingTopicPattern,
        String judgmentsTopic,
        String dlqTopic,
        String metricsTopic,
        String rankingsTopic,
        String groupId,
        StartingOffsets startingOffsets,
        int parallelism,
        Duration checkpointInterval,
        String checkpointDir,
        Duration stateTtl,
        boolean servedEnabled,
        String milvusUri,
        String milvusToken,
        Duration milvusRequestTimeout,
        int milvusSearchEf,
        int servedTopK,
        Duration servedCompletenessTimeout,
        Duration servedPollInterval,
        int servedCapacity,
        Duration windowSize,
        Duration windowOutOfOrderness,
        Duration windowIdleness,
        RestartPolicy restart,
        KafkaConnection kafka) implements Serializable {

    /** Where the sources start when there is neither a checkpoint nor a committed offset of the group. */
    public enum StartingOffsets { EARLIEST, LATEST }

    public static final ConfigOption<String> EMBEDDING_TOPIC_PATTERN = ConfigOption.string("quality.embedding-topics",
            "embeddings\\..+\\.v1", "Regular expression of the embedding topics the quality job reads (every model's; new "
                    + "matching topics are picked up within a minute). Only events with a benchmark marker are used.");
    public static final ConfigOption<String> JUDGMENTS_TOPIC = ConfigOption.string("quality.judgments.topic",
            Topics.JUDGMENTS, "Topic of the benchmark judgments (Judgment records from the replayer).");
    public static final ConfigOption<String> DLQ_TOPIC = ConfigOption.string("quality.dlq.topic", Topics.DLQ,
            "Dead-letter topic; benchmark items found there make their task 'not scored' instead of silently incomplete.");
    public static final ConfigOption<String> METRICS_TOPIC = ConfigOption.string("quality.metrics.topic",
            Topics.QUALITY_METRICS, "Output topic of the RetrievalMetric records.");
    public static final ConfigOption<String> RANKINGS_TOPIC = new ConfigOption<>("quality.rankings.topic",
            Topics.QUALITY_RANKINGS, "Output topic of the per-query rankings (QueryRanking, top 100, both paths); empty "
                    + "= do not publish them.", s -> s.trim(), s -> true, "topic name or empty");
    public static final ConfigOption<String> GROUP_ID = ConfigOption.string("quality.group.id", "omnistream-quality",
            "Kafka consumer group of the job (offsets are committed on checkpoints, for monitoring lag; restores use "
                    + "the checkpoint's offsets).");
    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS = ConfigOption.enumValue("quality.starting-offsets",
            StartingOffsets.class, StartingOffsets.EARLIEST,
            "Where to start reading when there is no checkpoint and no committed offset: EARLIEST or LATEST.");
    public static final ConfigOption<Integer> PARALLELISM = ConfigOption.integer("quality.parallelism", 1, 1, 1024,
            "Parallelism of the job (tasks/epochs spread over it).");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOption.duration("quality.checkpoint.interval",
            Duration.ofSeconds(10), Duration.ZERO, "Checkpoint interval; 0 disables checkpointing (a restart then rescores "
                    + "from the committed offsets without state: do not use in production).");
    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOption.string("quality.checkpoint.dir", "",
            "Checkpoint storage URI (file:///..., s3://...); retained on cancellation so the job can be resumed. Empty = "
                    + "the embedded launcher's <omnistream.home>/flink-checkpoints, or Flink's configured default on a cluster.");
    public static final ConfigOption<Duration> STATE_TTL = ConfigOption.duration("quality.state.ttl", Duration.ofHours(24),
            Duration.ZERO, "Lifetime of a benchmark epoch's state (candidate vectors, judgments) after its last write; "
                    + "bounds state to the epochs replayed within it. Must exceed one epoch's replay time. 0 = forever.");
    public static final ConfigOption<Boolean> SERVED_ENABLED = ConfigOption.bool("quality.served.enabled", true,
            "Also score every query on the served path (Milvus search restricted to the task's candidates).");
    public static final ConfigOption<Integer> SERVED_TOP_K = ConfigOption.integer("quality.served.top-k", 100, 10, 16_384,
            "Hits fetched per served search (>= 10; the metrics go to @10, the rest is kept for --export-rankings).");
    public static final ConfigOption<Duration> SERVED_COMPLETENESS_TIMEOUT = ConfigOption.duration(
            "quality.served.completeness-timeout", Duration.ofMinutes(5), Duration.ofSeconds(1),
            "How long a served query waits for the Milvus sink to hold all its candidates before it is given up (logged).");
    public static final ConfigOption<Duration> SERVED_POLL_INTERVAL = ConfigOption.duration("quality.served.poll-interval",
            Duration.ofMillis(500), Duration.ofMillis(10), "Wait between two candidate counts while a served query waits.");
    public static final ConfigOption<Integer> SERVED_CAPACITY = ConfigOption.integer("quality.served.capacity", 8, 1, 1000,
            "Served searches in flight per subtask (async I/O capacity).");
    public static final ConfigOption<Duration> WINDOW_SIZE = ConfigOption.duration("quality.window.size",
            Duration.ofMinutes(5), Duration.ZERO, "Event-time window of the per-window quality series; 0 disables them.");
    public static final ConfigOption<Duration> WINDOW_OUT_OF_ORDERNESS = ConfigOption.duration(
            "quality.window.out-of-orderness", Duration.ofSeconds(30), Duration.ZERO,
            "How late (event time) a query score may arrive and still count in its window.");
    public static final ConfigOption<Duration> WINDOW_IDLENESS = ConfigOption.duration("quality.window.idleness",
            Duration.ofMinutes(1), Duration.ofSeconds(1), "After this long without query scores a subtask stops holding "
                    + "the watermark back.");
    /** {@code quality.restart.*}: how the job restarts after failures. */
    public static final RestartOptions RESTART = RestartOptions.withPrefix("quality");

    public static List<ConfigOption<?>> options() {
        return Stream.concat(KafkaOptions.options().stream(), Stream.of(
                MilvusSinkConfig.MILVUS_URI, MilvusSinkConfig.MILVUS_TOKEN, MilvusSinkConfig.MILVUS_REQUEST_TIMEOUT,
                MilvusSinkConfig.MILVUS_SEARCH_EF, EMBEDDING_TOPIC_PATTERN, JUDGMENTS_TOPIC, DLQ_TOPIC, METRICS_TOPIC, RANKINGS_TOPIC, GROUP_ID, STARTING_OFFSETS,
                PARALLELISM, CHECKPOINT_INTERVAL, CHECKPOINT_DIR, STATE_TTL, SERVED_ENABLED, SERVED_TOP_K,
                SERVED_COMPLETENESS_TIMEOUT, SERVED_POLL_INTERVAL, SERVED_CAPACITY, WINDOW_SIZE,
                WINDOW_OUT_OF_ORDERNESS, WINDOW_IDLENESS, RESTART.maxFailures(), RESTART.failureRateInterval(), RESTART.delay())).toList();
    }

    /** Reads and validates every option. @throws ConfigException naming the key, value and rule */
    public static QualityJobConfig from(ConfigSource source) {
        String pattern = source.get(EMBEDDING_TOPIC_PATTERN);
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new ConfigException("invalid value '" + pattern + "' for '" + EMBEDDING_TOPIC_PATTERN.key()
                    + "': not a regular expression (" + e.getDescription() + ")");
        }
        // the Milvus keys are the sink's (validated there too)
        MilvusSinkConfig.from(source.with(java.util.Map.of(MilvusSinkConfig.SINK_TOPIC.key(), "unused")));
        return new QualityJobConfig(
                source.get(KafkaOptions.BOOTSTRAP_SERVERS),
                source.get(KafkaOptions.SCHEMA_REGISTRY_URL),
                pattern,
                source.get(JUDGMENTS_TOPIC),
                source.get(DLQ_TOPIC),
                source.get(METRICS_TOPIC),
                source.get(RANKINGS_TOPIC),
                source.get(GROUP_ID),
                source.get(STARTING_OFFSETS),
                source.get(PARALLELISM),
                source.get(CHECKPOINT_INTERVAL),
                source.get(CHECKPOINT_DIR),
                source.get(STATE_TTL),
                source.get(SERVED_ENABLED),
                source.get(MilvusSinkConfig.MILVUS_URI),
                source.get(MilvusSinkConfig.MILVUS_TOKEN),
                source.get(MilvusSinkConfig.MILVUS_REQUEST_TIMEOUT),
                source.get(MilvusSinkConfig.MILVUS_SEARCH_EF),
                source.get(SERVED_TOP_K),
                source.get(SERVED_COMPLETENESS_TIMEOUT),
                source.get(SERVED_POLL_INTERVAL),
                source.get(SERVED_CAPACITY),
                source.get(WINDOW_SIZE),
                source.get(WINDOW_OUT_OF_ORDERNESS),
                source.get(WINDOW_IDLENESS),
                RESTART.read(source),
                KafkaConnection.from(source));
    }

    public MilvusConnection milvus() {
        return new MilvusConnection(milvusUri, milvusToken, milvusRequestTimeout);
    }
}
