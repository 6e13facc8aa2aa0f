package io.omnistream.launcher.cluster;

import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import java.time.Duration;
import java.util.List;

/**
 * Settings of {@code ./omnistream cluster} itself (the processes it starts read their own keys). The launcher's
 * {@code omnistream.home} and {@code launcher.kafka.partitions} apply as in the embedded stack.
 */
public record ClusterConfig(int workers, Duration startupTimeout, int flinkJobManagerMb, int flinkTaskManagerMb,
                            int flinkSlots) {
    public static final ConfigOption<Integer> WORKERS = ConfigOption.integer("cluster.encoder.workers", 2, 1, 64,
            "Encoder worker processes of ./omnistream cluster, one consumer group (at most launcher.kafka.partitions do work).");
    public static final ConfigOption<Duration> STARTUP_TIMEOUT = ConfigOption.duration("cluster.startup.timeout",
            Duration.ofMinutes(5), Duration.ofSeconds(10),
            "Longest wait for one process of ./omnistream cluster to become ready (model load, Flink slots), duration.");
    public static final ConfigOption<Integer> FLINK_JOBMANAGER_MB = ConfigOption.integer(
            "cluster.flink.jobmanager.memory-mb", 768, 512, 65_536,
            "jobmanager.memory.process.size of the cluster's Flink session cluster, MiB.");
    public static final ConfigOption<Integer> FLINK_TASKMANAGER_MB = ConfigOption.integer(
            "cluster.flink.taskmanager.memory-mb", 1536, 1024, 262_144,
            "taskmanager.memory.process.size of the cluster's one Flink TaskManager, MiB.");
    public static final ConfigOption<Integer> FLINK_SLOTS = ConfigOption.integer("cluster.flink.slots", 2, 2, 64,
            "taskmanager.numberOfTaskSlots of the cluster's TaskManager (the quality and bias jobs need one each).");

    public static ClusterConfig from(ConfigSource source) {
        return new ClusterConfig(source.get(WORKERS), source.get(STARTUP_TIMEOUT), source.get(FLINK_JOBMANAGER_MB),
                source.get(FLINK_TASKMANAGER_MB), source.get(FLINK_SLOTS));
    }

    public static List<ConfigOption<?>> options() {
        return List.of(WORKERS, STARTUP_TIMEOUT, FLINK_JOBMANAGER_MB, FLINK_TASKMANAGER_MB, FLINK_SLOTS);
    }
}
