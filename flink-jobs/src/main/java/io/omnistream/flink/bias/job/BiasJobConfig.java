package io.omnistream.flink.bias.job;

import io.omnistream.flink.launch.RestartOptions;
import io.omnistream.flink.launch.RestartPolicy;
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
 * Configuration of the modality-bias and drift-detection Flink job ({@link ModalityBiasJob}); keys {@code bias.*},
 * plus the shared {@code kafka.bootstrap.servers} and {@code schema.registry.url}. Every value is parsed and validated
 * when the config is built.
 */
public record BiasJobConfig(
        String bootstrapServers,
        String schemaRegistryUrl,
        String embeddingTopicPattern,
        String judgmentsTopic,
        String rankingsTopic,
        String metricsTopic,
        String alertsTopic,
        String groupId,
        StartingOffsets startingOffsets,
        int parallelism,
        Duration checkpointInterval,
        String checkpointDir,
        Duration stateTtl,
        Duration windowSize,
        Duration windowOutOfOrderness,
        Duration windowIdleness,
        Duration emitInterval,
        int retainedEpochs,
        String twinSuffix,
        int maxPendingPairs,
        boolean driftEnabled,
        double phDelta,
        double phLambda,
        long phMinSamples,
        int clearAfter,
        Duration closeIdle,
        double ksAlpha,
        double ksMinStatistic,
        long ksMinSamples,
        RestartPolicy restart,
        KafkaConnection kafka) implements Serializable {

    /** Where the sources start when there is neither a checkpoint nor a committed offset of the group. */
    public enum StartingOffsets { EARLIEST, LATEST }

    public static final ConfigOption<String> EMBEDDING_TOPIC_PATTERN = ConfigOption.string("bias.embedding-topics",
            "embeddings\\..+\\.v1", "Regular expression of the embedding topics the bias job reads: all traffic feeds "
                    + "the modality gap, benchmark items the bias metrics.");
    public static final ConfigOption<String> JUDGMENTS_TOPIC = ConfigOption.string("bias.judgments.topic",
            Topics.JUDGMENTS, "Topic of the benchmark judgments (gold ids per query).");
    public static final ConfigOption<String> RANKINGS_TOPIC = ConfigOption.string("bias.rankings.topic",
            Topics.QUALITY_RANKINGS, "Topic of the quality job's per-query rankings (the exact path's are used).");
    public static final ConfigOption<String> METRICS_TOPIC = ConfigOption.string("bias.metrics.topic",
            Topics.QUALITY_METRICS, "Topic the bias records are written to and the drift detector reads every series "
                    + "from (scopes task, modality_pair, modality_bias, modality_gap).");
    public static final ConfigOption<String> ALERTS_TOPIC = ConfigOption.string("bias.alerts.topic",
            Topics.QUALITY_ALERTS, "Output topic of the DriftAlert records.");
    public static final ConfigOption<String> GROUP_ID = ConfigOption.string("bias.group.id", "omnistream-bias",
            "Kafka consumer group of the bias job.");
    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS = ConfigOption.enumValue("bias.starting-offsets",
            StartingOffsets.class, StartingOffsets.EARLIEST,
            "Where to start reading when there is no checkpoint and no committed offset: EARLIEST or LATEST.");
    public static final ConfigOption<Integer> PARALLELISM = ConfigOption.integer("bias.parallelism", 1, 1, 1024,
            "Parallelism of the bias job.");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOption.duration("bias.checkpoint.interval",
            Duration.ofSeconds(10), Duration.ZERO, "Checkpoint interval of the bias job; 0 disables checkpointing.");
    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOption.string("bias.checkpoint.dir", "",
            "Checkpoint storage URI of the bias job (retained on cancellation). Empty = the embedded launcher's "
                    + "<omnistream.home>/flink-checkpoints-bias, or Flink's configured default on a cluster.");
    public static final ConfigOption<Duration> STATE_TTL = ConfigOption.duration("bias.state.ttl", Duration.ofHours(24),
            Duration.ZERO, "Lifetime of a (task, epoch)'s join state (candidate modalities, query vectors, judgments, "
                    + "rankings waiting for them) after its last write; 0 = forever.");
    public static final ConfigOption<Duration> WINDOW_SIZE = ConfigOption.duration("bias.window.size",
            Duration.ofMinutes(1), Duration.ofMillis(1), "Event-time tumbling window of the modality-gap metrics.");
    public static final ConfigOption<Duration> WINDOW_OUT_OF_ORDERNESS = ConfigOption.duration(
            "bias.window.out-of-orderness", Duration.ofSeconds(30), Duration.ZERO,
            "How late (event time) an embedding may arrive and still count in its modality-gap window.");
    public static final ConfigOption<Duration> WINDOW_IDLENESS = ConfigOption.duration("bias.window.idleness",
            Duration.ofMinutes(1), Duration.ofSeconds(1), "After this long without embeddings a source split stops "
                    + "holding the modality-gap watermark back.");
    public static final ConfigOption<Duration> EMIT_INTERVAL = ConfigOption.duration("bias.emit-interval",
            Duration.ofSeconds(2), Duration.ofMillis(10), "At most this often (processing time) the running bias "
                    + "values of a changed (model version, epoch) are published.");
    // Why 10: while the encoder works off a backlog it reads its partitions unevenly, so one partition's later
    // epochs can be ranked before another partition's earlier ones; an epoch dropped too soon loses those rankings
    // (with 3, a backlog of 6 replayed epochs lost the first ones). An accumulator is a few KiB.
    public static final ConfigOption<Integer> RETAINED_EPOCHS = ConfigOption.integer("bias.retained-epochs", 10, 1, 1000,
            "Replay epochs per model version whose bias accumulators are kept (older ones are final and dropped; a "
                    + "ranking of a dropped epoch is counted in biasObservationsTooLate and ignored).");
    public static final ConfigOption<String> TWIN_SUFFIX = new ConfigOption<>("bias.instruction.twin-suffix", "-noinst",
            "Task-id suffix of a task's instruction-free twin (same query ids, no instruction): its queries are the "
                    + "'without' side of the instruction effect. Empty = no instruction pairing.", String::trim,
            s -> true, "suffix or empty");
    public static final ConfigOption<Integer> MAX_PENDING_PAIRS = ConfigOption.integer("bias.instruction.max-pending",
            1000, 0, 1_000_000, "Query emissions per accumulator waiting for their instruction twin (bounded memory; "
                    + "the oldest is dropped beyond it); 0 turns the instruction pairing off.");
    public static final ConfigOption<Boolean> DRIFT_ENABLED = ConfigOption.bool("bias.drift.enabled", true,
            "Run the drift detectors (Page-Hinkley per metric series, KS on top-1 scores) and publish DriftAlerts.");
    public static final ConfigOption<Double> PH_DELTA = doubleOption("bias.drift.ph.delta", 0.01, 0.0,
            "Page-Hinkley magnitude tolerance, in metric units (changes of the mean smaller than this are absorbed).");
    public static final ConfigOption<Double> PH_LAMBDA = doubleOption("bias.drift.ph.lambda", 0.1, 1e-9,
            "Page-Hinkley threshold, in metric units.");
    public static final ConfigOption<Long> PH_MIN_SAMPLES = ConfigOption.longValue("bias.drift.ph.min-samples", 5, 1,
            1_000_000, "Closed epochs (or windows) of a series before Page-Hinkley may alarm, and again after an alarm.");
    public static final ConfigOption<Integer> CLEAR_AFTER = ConfigOption.integer("bias.drift.clear-after", 3, 1,
            1_000_000, "Consecutive closed epochs without an alarm after which an active alert is CLEARED.");
    // Why 60 s: replayed epochs overlap, and an epoch's records keep coming until its slowest item is encoded; on
    // 2 cores one OCR'd page takes 5-10 s, so a 5 s pause closed epochs early with a partial value (a false change).
    public static final ConfigOption<Duration> CLOSE_IDLE = ConfigOption.duration("bias.drift.close-idle",
            Duration.ofSeconds(60), Duration.ZERO, "An epoch's value is final (fed to Page-Hinkley) once a later epoch "
                    + "has begun and the epoch has had no record for this long (epochs overlap; longer than the "
                    + "slowest item's encoding); 0 = at once.");
    public static final ConfigOption<Double> KS_ALPHA = doubleOption("bias.drift.ks.alpha", 1e-3, 1e-12,
            "Significance level of the two-sample Kolmogorov-Smirnov test of an epoch's top-1 scores vs the reference.");
    public static final ConfigOption<Double> KS_MIN_STATISTIC = doubleOption("bias.drift.ks.min-statistic", 0.05, 0.0,
            "Smallest KS statistic D (share of CDF) that alarms, however significant.");
    public static final ConfigOption<Long> KS_MIN_SAMPLES = ConfigOption.longValue("bias.drift.ks.min-samples", 20, 1,
            1_000_000_000L, "Top-1 scores an epoch needs to be a reference or to be tested.");
    /** {@code bias.restart.*}: how the job restarts after failures. */
    public static final RestartOptions RESTART = RestartOptions.withPrefix("bias");

    static ConfigOption<Double> doubleOption(String key, double defaultValue, double min, String description) {
        return new ConfigOption<>(key, defaultValue, description, Double::parseDouble,
                v -> Double.isFinite(v) && v >= min, "finite number >= " + min);
    }

    public static List<ConfigOption<?>> options() {
        return Stream.concat(KafkaOptions.options().stream(), Stream.of(
                EMBEDDING_TOPIC_PATTERN, JUDGMENTS_TOPIC, RANKINGS_TOPIC, METRICS_TOPIC, ALERTS_TOPIC, GROUP_ID,
                STARTING_OFFSETS, PARALLELISM, CHECKPOINT_INTERVAL, CHECKPOINT_DIR, STATE_TTL, WINDOW_SIZE,
                WINDOW_OUT_OF_ORDERNESS, WINDOW_IDLENESS, EMIT_INTERVAL, RETAINED_EPOCHS, TWIN_SUFFIX,
                MAX_PENDING_PAIRS, DRIFT_ENABLED, PH_DELTA, PH_LAMBDA, PH_MIN_SAMPLES, CLEAR_AFTER, CLOSE_IDLE, KS_ALPHA,
                KS_MIN_STATISTIC, KS_MIN_SAMPLES, RESTART.maxFailures(), RESTART.failureRateInterval(), RESTART.delay())).toList();
    }

    /** Reads and validates every option. @throws ConfigException naming the key, value and rule */
    public static BiasJobConfig from(ConfigSource source) {
        String pattern = source.get(EMBEDDING_TOPIC_PATTERN);
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new ConfigException("invalid value '" + pattern + "' for '" + EMBEDDING_TOPIC_PATTERN.key()
                    + "': not a regular expression (" + e.getDescription() + ")");
        }
        if (source.get(KS_ALPHA) >= 1.0) {
            throw new ConfigException("invalid value '" + source.get(KS_ALPHA) + "' for '" + KS_ALPHA.key()
                    + "': must be < 1");
        }
        return new BiasJobConfig(
                source.get(KafkaOptions.BOOTSTRAP_SERVERS),
                source.get(KafkaOptions.SCHEMA_REGISTRY_URL),
                pattern,
                source.get(JUDGMENTS_TOPIC),
                source.get(RANKINGS_TOPIC),
                source.get(METRICS_TOPIC),
                source.get(ALERTS_TOPIC),
                source.get(GROUP_ID),
                source.get(STARTING_OFFSETS),
                source.get(PARALLELISM),
                source.get(CHECKPOINT_INTERVAL),
                source.get(CHECKPOINT_DIR),
                source.get(STATE_TTL),
                source.get(WINDOW_SIZE),
                source.get(WINDOW_OUT_OF_ORDERNESS),
                source.get(WINDOW_IDLENESS),
                source.get(EMIT_INTERVAL),
                source.get(RETAINED_EPOCHS),
                source.get(TWIN_SUFFIX),
                source.get(MAX_PENDING_PAIRS),
                source.get(DRIFT_ENABLED),
                source.get(PH_DELTA),
                source.get(PH_LAMBDA),
                source.get(PH_MIN_SAMPLES),
                source.get(CLEAR_AFTER),
                source.get(CLOSE_IDLE),
                source.get(KS_ALPHA),
                source.get(KS_MIN_STATISTIC),
                source.get(KS_MIN_SAMPLES),
                RESTART.read(source),
                KafkaConnection.from(source));
    }
}
