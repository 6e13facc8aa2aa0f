package io.omnistream.encoder.asr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.config.ConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WhisperSettingsTest {

    @Test
    void defaultsAreGreedyCpuOrCudaWithAMinuteBudgetInTheHomeVenv() {
        WhisperSettings s = WhisperSettings.defaults();

        Path home = Path.of(System.getProperty("user.home"));
        assertThat(s.venvDir()).isEqualTo(home.resolve(".omnistream/whisper-venv"));
        assertThat(s.log()).isEqualTo(home.resolve(".omnistream/logs/whisper-server.log"));
        assertThat(s.systemPython()).isEqualTo("python3");
        assertThat(s.device()).isEqualTo(WhisperSettings.Device.AUTO);
        assertThat(s.beamSize()).isEqualTo(1);
        assertThat(s.skipNoSpeech()).as("faster-whisper's own default").isTrue();
        assertThat(s.budgetPerItem()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.budgetSeconds()).isEqualTo(60.0);
        assertThat(s.cpuThreads()).isZero();
        assertThat(s.server()).as("a child process unless a server is named").isNull();
    }

    @Test
    void aServerOfItsOwnIsNamedByUrlAndMustBePlainHttpHostAndPort() {
        WhisperSettings s = WhisperSettings.from(ConfigSource.of(Map.of(
                "encoder.asr.whisper.url", "http://127.0.0.1:9500")));

        assertThat(s.server()).isEqualTo(java.net.URI.create("http://127.0.0.1:9500"));
        for (String bad : List.of("https://127.0.0.1:9500", "http://127.0.0.1", "http://127.0.0.1:9500/transcribe",
                "127.0.0.1:9500")) {
            assertThatThrownBy(() -> WhisperSettings.from(ConfigSource.of(Map.of("encoder.asr.whisper.url", bad))))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://HOST:PORT");
        }
    }

    @Test
    void everyOptionIsReadFromTheConfigSource() {
        WhisperSettings s = WhisperSettings.from(ConfigSource.of(Map.of(
                "encoder.asr.whisper.venv-dir", "/opt/whisper", "encoder.asr.whisper.python", "python3.11",
                "encoder.asr.whisper.device", "cuda", "encoder.asr.whisper.start-timeout", "30s",
                "encoder.asr.whisper.cpu-threads", "4", "encoder.asr.whisper.log-file", "/var/log/whisper.log")));

        assertThat(s).isEqualTo(new WhisperSettings(Path.of("/opt/whisper"), "python3.11",
                WhisperSettings.Device.CUDA, 1, true, Duration.ofSeconds(60), Duration.ofSeconds(30), 4,
                Path.of("/var/log/whisper.log"), null));
        // beam and budget are the model registry's (cascade settings beamSize, timeoutSeconds), not worker options
        assertThat(s.withBeamSize(5).withBudgetPerItem(Duration.ofMillis(1500)).budgetSeconds()).isEqualTo(1.5);
        assertThat(WhisperSettings.options()).hasSize(7);
        assertThat(s.device().argument()).isEqualTo("cuda");
    }

    @Test
    void outOfRangeValuesFailWithTheRule() {
        assertThatThrownBy(() -> WhisperSettings.from(ConfigSource.of(Map.of("encoder.asr.whisper.cpu-threads", "-1"))))
                .hasMessageContaining("encoder.asr.whisper.cpu-threads");
        assertThatThrownBy(() -> WhisperSettings.defaults().withBeamSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beam size");
        assertThatThrownBy(() -> WhisperSettings.defaults().withBudgetPerItem(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("budget per item");
    }
}
