package io.omnistream.flink.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.flink.quality.job.QualityJobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobLaunchTest {
    @Test
    void checkpointingOnlyWhenAnIntervalIsSetAndStorageOnlyWhenADirectoryIs() {
        Configuration off = JobLaunch.flinkConfiguration(Duration.ZERO, "/tmp/cp", 3, Duration.ofSeconds(2));
        assertThat(off.contains(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isFalse();
        assertThat(off.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isFalse();
        assertThat(off.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS)).isEqualTo(3);
        assertThat(off.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY)).isEqualTo(Duration.ofSeconds(2));

        Configuration defaultStorage = JobLaunch.flinkConfiguration(Duration.ofSeconds(10), "", 0, Duration.ofSeconds(1));
        assertThat(defaultStorage.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaultStorage.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isFalse();

        Configuration onDisk = JobLaunch.flinkConfiguration(Duration.ofSeconds(10), "file:///var/cp", 0, Duration.ofSeconds(1));
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
