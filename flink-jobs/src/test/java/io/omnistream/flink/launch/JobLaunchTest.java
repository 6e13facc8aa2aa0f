package io.omnistream.flink.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.flink.bias.job.BiasJobConfig;
import io.omnistream.flink.quality.job.QualityJobConfig;
import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobLaunchTest {
    private static final RestartPolicy RESTARTS = new RestartPolicy(3, Duration.ofMinutes(2), Duration.ofSeconds(2));

    @Test
    void failuresAreRateLimitedNotCappedForLife() {
        Configuration conf = JobLaunch.flinkConfiguration(Duration.ZERO, "", RESTARTS);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("failure-rate");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL)).isEqualTo(3);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL))
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY)).isEqualTo(Duration.ofSeconds(2));
        assertThat(conf.contains(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS)).isFalse();

        Configuration never = JobLaunch.flinkConfiguration(Duration.ZERO, "",
                new RestartPolicy(0, Duration.ofMinutes(1), Duration.ZERO));
        assertThat(never.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("none");
        assertThat(never.contains(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL)).isFalse();
    }

    @Test
    void restartSettingsComeFromEachJobsOwnKeys() {
        QualityJobConfig quality = QualityJobConfig.from(ConfigSource.of(Map.of("kafka.bootstrap.servers", "k:9092",
                "schema.registry.url", "mock://launch-test", "quality.restart.max-failures-per-interval", "4",
                "quality.restart.failure-rate-interval", "30m")));
        assertThat(quality.restart()).isEqualTo(new RestartPolicy(4, Duration.ofMinutes(30), Duration.ofSeconds(5)));
        BiasJobConfig bias = BiasJobConfig.from(ConfigSource.of(Map.of("kafka.bootstrap.servers", "k:9092",
                "schema.registry.url", "mock://launch-test", "bias.restart.delay", "1s")));
        assertThat(bias.restart()).isEqualTo(new RestartPolicy(10, Duration.ofMinutes(10), Duration.ofSeconds(1)));

        assertThatThrownBy(() -> QualityJobConfig.from(ConfigSource.of(Map.of("kafka.bootstrap.servers", "k:9092",
                "schema.registry.url", "mock://launch-test", "quality.restart.failure-rate-interval", "0s"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("quality.restart.failure-rate-interval");
        assertThatThrownBy(() -> BiasJobConfig.from(ConfigSource.of(Map.of("kafka.bootstrap.servers", "k:9092",
                "schema.registry.url", "mock://launch-test", "bias.restart.max-failures-per-interval", "-1"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bias.restart.max-failures-per-interval");
    }
    @Test
    void checkpointingOnlyWhenAnIntervalIsSetAndStorageOnlyWhenADirectoryIs() {
        Configuration off = JobLaunch.flinkConfiguration(Duration.ZERO, "/tmp/cp", RESTARTS);
        assertThat(off.contains(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isFalse();
        assertThat(off.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isFalse();

        Configuration defaultStorage = JobLaunch.flinkConfiguration(Duration.ofSeconds(10), "", RESTARTS);
        assertThat(defaultStorage.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaultStorage.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isFalse();

        Configuration onDisk = JobLaunch.flinkConfiguration(Duration.ofSeconds(10), "file:///var/cp", RESTARTS);
        assertThat(onDisk.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("file:///var/cp");
        assertThat(onDisk.get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
    }

    @Test
    void commandLineOverridesTheFileAndRejectsAnythingElse(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("job.properties"),
                "kafka.bootstrap.servers=kafka:9092\nquality.parallelism=2\nquality.group.id=from-file\n");
        QualityJobConfig c = QualityJobConfig.from(JobLaunch.configSource(
                new String[] {"--config", file.toString(), "quality.group.id=from-args"}));
        assertThat(c.parallelism()).isEqualTo(2);
        assertThat(c.groupId()).isEqualTo("from-args");

        assertThatThrownBy(() -> JobLaunch.configSource(new String[] {"--parallelism", "2"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unexpected argument '--parallelism'").hasMessageContaining("usage");
        assertThatThrownBy(() -> JobLaunch.configSource(new String[] {"=value"}))
                .hasMessageContaining("unexpected argument '=value'");
    }
}
