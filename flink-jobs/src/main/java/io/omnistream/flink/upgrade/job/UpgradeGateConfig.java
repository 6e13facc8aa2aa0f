package io.omnistream.flink.upgrade.job;

import io.omnistream.flink.launch.RestartOptions;
import io.omnistream.flink.launch.RestartPolicy;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.kafka.KafkaConnection;
import io.omnistream.runtime.kafka.KafkaOptions;
import io.omnistream.schemas.Topics;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Configuration of the upgrade quality-gate Flink job ({@link UpgradeGateJob}); keys {@code upgrade.gate.*}, plus
 * the shared {@code kafka.bootstrap.servers} and {@code schema.registry.url}. Every value is parsed and validated when
 * the config is built.
 */
public record UpgradeGateConfig(
        String bootstrapServers,
        String schemaRegistryUrl,
        String deploymentsTopic,
        String judgmentsTopic,
        String metricsTopic,
        String gateTopic,
        String groupId,
        int parallelism,
        Duration checkpointInterval,
        String checkpointDir,
        boolean waitForServed,
        boolean waitForBias,
        String twinSuffix,
        int retainedEpochs,
        RestartPolicy restart,
        KafkaConnection kafka) implements Serializable {

    public static final ConfigOption<String> DEPLOYMENTS_TOPIC = ConfigOption.string("upgrade.gate.deployments.topic",
            Topics.DEPLOYMENTS, "Compacted topic of the Deployment records; the gate compares the live and shadow "
                    + "version of every deployment in state SHADOWING.");
    public static final ConfigOption<String> JUDGMENTS_TOPIC = ConfigOption.string("upgrade.gate.judgments.topic",
            Topics.JUDGMENTS, "Topic of the benchmark judgments: the judged queries per (task, epoch) make a "
                    + "running metric final, and name each task's primary metric.");
    public static final ConfigOption<String> METRICS_TOPIC = ConfigOption.string("upgrade.gate.metrics.topic",
            Topics.QUALITY_METRICS, "Topic of the quality and bias job's RetrievalMetric records the gate reads.");
    public static final ConfigOption<String> GATE_TOPIC = ConfigOption.string("upgrade.gate.topic",
            Topics.UPGRADE_GATE, "Output topic of the GateDecision records (key = deployment name).");
    public static final ConfigOption<String> GROUP_ID = ConfigOption.string("upgrade.gate.group.id",
            "omnistream-upgrade-gate", "Kafka consumer group of the gate job.");
    public static final ConfigOption<Integer> PARALLELISM = ConfigOption.integer("upgrade.gate.parallelism", 1, 1,
            1024, "Parallelism of the gate job's sources; the gate operator itself runs on one key (one subtask).");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOption.duration(
            "upgrade.gate.checkpoint.interval", Duration.ofSeconds(10), Duration.ZERO,
            "Checkpoint interval of the gate job; 0 disables checkpointing.");
    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOption.string("upgrade.gate.checkpoint.dir", "",
            "Checkpoint storage URI of the gate job (retained on cancellation). Empty = Flink's configured default "
                    + "(the embedded launcher passes a directory of its own).");
    public static final ConfigOption<Boolean> WAIT_FOR_SERVED = ConfigOption.bool("upgrade.gate.wait-for-served", true,
            "Decide an epoch only once the shadow's served-path recall_loss@10 of every task is final. Set false when "
                    + "the quality job's served path is off (quality.served.enabled=false), or the gate never decides; "
                    + "then the recall-loss check says 'served path off' when the shadow has no such figure.");
    public static final ConfigOption<Boolean> WAIT_FOR_BIAS = ConfigOption.bool("upgrade.gate.wait-for-bias", false,
            "Decide an epoch only once both versions' target_modality_accuracy is final (the modality-bias job "
                    + "counted every judged query). Only with the bias job running; false = compare the bias figures "
                    + "present when the exact (and served) figures are final, their query count in the check detail.");
    public static final ConfigOption<String> TWIN_SUFFIX = new ConfigOption<>("upgrade.gate.twin-suffix", "-noinst",
            "Task-id suffix of instruction-free twin tasks, which the bias job leaves out of its counts (as "
                    + "bias.instruction.twin-suffix). Empty = no twins.", String::trim, s -> true, "suffix or empty");
    public static final ConfigOption<Integer> RETAINED_EPOCHS = ConfigOption.integer("upgrade.gate.retained-epochs", 10,
            1, 1000, "Newest replay epochs whose figures the gate keeps; a record of an older epoch is ignored.");
    /** {@code upgrade.gate.restart.*}: how the job restarts after failures. */
    public static final RestartOptions RESTART = RestartOptions.withPrefix("upgrade.gate");

    public static List<ConfigOption<?>> options() {
        return Stream.concat(KafkaOptions.options().stream(), Stream.of(
                DEPLOYMENTS_TOPIC, JUDGMENTS_TOPIC, METRICS_TOPIC, GATE_TOPIC, GROUP_ID, PARALLELISM,
                CHECKPOINT_INTERVAL, CHECKPOINT_DIR, WAIT_FOR_SERVED, WAIT_FOR_BIAS, TWIN_SUFFIX, RETAINED_EPOCHS,
                RESTART.maxFailures(), RESTART.failureRateInterval(), RESTART.delay())).toList();
    }

    /** Reads and validates every option. @throws io.omnistream.runtime.config.ConfigException naming the key */
    public static UpgradeGateConfig from(ConfigSource source) {
        return new UpgradeGateConfig(
                source.get(KafkaOptions.BOOTSTRAP_SERVERS),
                source.get(KafkaOptions.SCHEMA_REGISTRY_URL),
                source.get(DEPLOYMENTS_TOPIC),
                source.get(JUDGMENTS_TOPIC),
                source.get(METRICS_TOPIC),
                source.get(GATE_TOPIC),
                source.get(GROUP_ID),
                source.get(PARALLELISM),
                source.get(CHECKPOINT_INTERVAL),
                source.get(CHECKPOINT_DIR),
                source.get(WAIT_FOR_SERVED),
                source.get(WAIT_FOR_BIAS),
                source.get(TWIN_SUFFIX),
                source.get(RETAINED_EPOCHS),
                RESTART.read(source),
                KafkaConnection.from(source));
    }
}
