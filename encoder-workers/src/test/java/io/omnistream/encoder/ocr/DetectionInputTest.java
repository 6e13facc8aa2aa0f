package io.omnistream.encoder.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DetectionInputTest {
    @Test
    void smallImagesKeepTheirScaleRoundedToMultiplesOf32() {
        // 640 x 90: no scaling, 90 / 32 = 2.81 -> 3 -> 96
        assertThat(DetectionInput.size(640, 90, 736)).containsExactly(640, 96);
        // 10 x 10: at least 32
        assertThat(DetectionInput.size(10, 10, 736)).containsExactly(32, 32);
    }

    @Test
    void theLongerSideIsLimited() {
        // A4 at 150 dpi, 1240 x 1754: ratio 736 / 1754; 1240 * 0.41961 = 520.3, / 32 = 16.26 -> 512; 736 / 32 -> 736
        assertThat(DetectionInput.size(1240, 1754, 736)).containsExactly(512, 736);
        // 1920 x 1080 video frame: ratio 736 / 1920; 1080 * 0.38333 = 414 / 32 = 12.94 -> 416
        assertThat(DetectionInput.size(1920, 1080, 736)).containsExactly(736, 416);
    }

    @Test
    void normalisesWithImageNetStatisticsInBgrPlaneOrder() {
        float[] data = new float[3 * 32 * 32];
        Arrays.fill(data, 0, 1024, 255f); // B plane white
        Arrays.fill(data, 1024, 2048, 0f); // G plane black
        Arrays.fill(data, 2048, 3072, 127.5f); // R plane mid grey

        DetectionInput in = DetectionInput.of(new BgrImage(32, 32, data), 736);

        assertThat(in.width()).isEqualTo(32);
        assertThat(in.values()[0]).isCloseTo((1f - 0.485f) / 0.229f, within(1e-5f));
        assertThat(in.values()[1024]).isCloseTo((0f - 0.456f) / 0.224f, within(1e-5f));
        assertThat(in.values()[2048 + 33]).isCloseTo((0.5f - 0.406f) / 0.225f, within(1e-5f));
    }
}
