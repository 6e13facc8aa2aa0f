package io.omnistream.encoder.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EncoderSettingsTest {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @Test
    void byDefaultCpuRunsOneSingleThreadedRunPerCoreWithoutPaddingAndCudaFewPaddedOnes() {
        EncoderSettings d = EncoderSettings.defaults();
        assertThat(d.concurrentRunsOn(ExecutionProvider.CPU)).isEqualTo(CORES);
        assertThat(d.maxPaddingRatioOn(ExecutionProvider.CPU)).isEqualTo(1.0);
        assertThat(d.intraOpThreadsOn(ExecutionProvider.CPU)).isEqualTo(CORES > 1 ? 1 : 0);
        assertThat(d.concurrentRunsOn(ExecutionProvider.CUDA)).isEqualTo(1);
        assertThat(d.maxPaddingRatioOn(ExecutionProvider.CUDA)).isEqualTo(1.5);
        assertThat(d.intraOpThreadsOn(ExecutionProvider.CUDA)).isZero();
        assertThat(d.spinWait()).isFalse();
    }

    @Test
    void explicitValuesWinOverTheProvidersChoice() {
        EncoderSettings s = EncoderSettings.defaults().withConcurrentRuns(3).withMaxPaddingRatio(2.0);
        assertThat(s.concurrentRunsOn(ExecutionProvider.CUDA)).isEqualTo(3);
        assertThat(s.maxPaddingRatioOn(ExecutionProvider.CPU)).isEqualTo(2.0);
        assertThat(s.intraOpThreadsOn(ExecutionProvider.CUDA)).isEqualTo(1);
        assertThat(s.withIntraOpThreads(4).intraOpThreadsOn(ExecutionProvider.CPU)).isEqualTo(4);
        assertThat(EncoderSettings.defaults().withConcurrentRuns(1).intraOpThreadsOn(ExecutionProvider.CPU)).isZero();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> EncoderSettings.defaults().withConcurrentRuns(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concurrentRuns");
        assertThatThrownBy(() -> EncoderSettings.defaults().withMaxPaddingRatio(0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPaddingRatio");
        assertThatThrownBy(() -> EncoderSettings.defaults().withIntraOpThreads(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("intraOpThreads");
    }
}
