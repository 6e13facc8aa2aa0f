package io.omnistream.encoder.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PpOcrSettingsTest {
    @Test
    void defaultsAreRapidOcrs() {
        PpOcrSettings s = PpOcrSettings.defaults();

        assertThat(s).isEqualTo(new PpOcrSettings(736, 0.3, 0.5, 1.6, true, 8, 0.5, true));
        assertThat(s.describe()).isEqualTo(
                "limit=736 thresh=0.3 box=0.5 unclip=1.6 cls=true batch=8 minconf=0.5 spaces=gaps pad=line");
    }

    @Test
    void refusesValuesOutOfRange() {
        assertThatThrownBy(() -> PpOcrSettings.defaults().withDetLimitSideLen(16))
                .hasMessageContaining("detLimitSideLen must be >= 32 pixels, got 16");
        assertThatThrownBy(() -> PpOcrSettings.defaults().withRecBatch(0)).hasMessageContaining("recBatch");
        assertThatThrownBy(() -> new PpOcrSettings(736, 1.0, 0.5, 1.6, true, 8, 0.5, true))
                .hasMessageContaining("detThreshold");
        assertThatThrownBy(() -> new PpOcrSettings(736, 0.3, 0.5, 0, true, 8, 0.5, true))
                .hasMessageContaining("unclipRatio");
        assertThatThrownBy(() -> new PpOcrSettings(736, 0.3, 0.5, 1.6, true, 8, 1.5, true))
                .hasMessageContaining("minConfidence");
    }
}
