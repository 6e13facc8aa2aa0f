package io.omnistream.encoder.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EncoderSettingsTest {

    @Test
    void byDefaultCpuRunsHoldOneLengthAndCudaRunsArePaddedUpToOneAndAHalf() {
        EncoderSettings d = EncoderSettings.defaults();
        assertThat(d.maxPaddingRatioOn(ExecutionProvider.CPU)).isEqualTo(1.0);
        assertThat(d.maxPaddingRatioOn(ExecutionProvider.CUDA)).isEqualTo(1.5);
        assertThat(d.concurrentRuns()).isEqualTo(1);
        assertThat(d.effectiveIntraOpThreads()).isZero();
        assertThat(d.spinWait()).isFalse();
    }

    @Test
    void explicitRatioWinsAndConcurrentRunsAreSingleThreadedUnlessThreadsAreSet() {
        assertThat(EncoderSettings.defaults().withMaxPaddingRatio(2.0).maxPaddingRatioOn(ExecutionProvider.CUDA))
                .isEqualTo(2.0);
        assertThat(EncoderSettings.defaults().withConcurrentRuns(2).effectiveIntraOpThreads()).isEqualTo(1);
        assertThat(EncoderSettings.defaults().withConcurrentRuns(2).withIntraOpThreads(3).effectiveIntraOpThreads())
                .isEqualTo(3);
        assertThat(EncoderSettings.defaults().withIntraOpThreads(4).effectiveIntraOpThreads()).isEqualTo(4);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> EncoderSettings.defaults().withConcurrentRuns(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concurrentRuns");
        assertThatThrownBy(() -> EncoderSettings.defaults().withMaxPaddingRatio(0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPaddingRatio");
        assertThatThrownBy(() -> EncoderSettings.defaults().withIntraOpThreads(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("intraOpThreads");
    }
}
