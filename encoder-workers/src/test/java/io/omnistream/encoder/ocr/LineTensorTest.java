package io.omnistream.encoder.ocr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineTensorTest {
    private static BgrImage plain(int w, int h, float value) {
        float[] data = new float[3 * w * h];
        Arrays.fill(data, value);
        return new BgrImage(w, h, data);
    }

    @Test
    void recognitionWidthIsTheCropsOwnRoundedUpToAMultipleOf32ButAtLeastTheMinimum() {
        // 48 x 24 at 48 high: 96 < 320
        assertThat(LineTensor.recognitionWidth(plain(48, 24, 0), 320)).isEqualTo(320);
        // 300 x 30: 480, a multiple of 32 already
        assertThat(LineTensor.recognitionWidth(plain(300, 30, 0), 320)).isEqualTo(480);
        // 301 x 30: ceil(481.6) = 482 -> 512
        assertThat(LineTensor.recognitionWidth(plain(301, 30, 0), 320)).isEqualTo(512);
    }

    @Test
    void cropsKeepTheirAspectAndArePaddedWithZero() {
        // 100 x 24 -> 48 high, ceil(48 * 100 / 24) = 200 wide; white -> (1 - 0.5) / 0.5 = 1; padding 0
        LineTensor t = LineTensor.of(List.of(plain(100, 24, 255f), plain(30, 30, 0f)), 320);

        assertThat(t.shape()).containsExactly(2, 3, 48, 320);
        int plane = 48 * 320;
        assertThat(t.values()[0]).isEqualTo(1f);
        assertThat(t.values()[199]).isEqualTo(1f);
        assertThat(t.values()[200]).isEqualTo(0f);
        assertThat(t.values()[2 * plane + 47 * 320 + 199]).isEqualTo(1f);
        // second crop: black -> -1 over 48 x 48, then padding
        int second = 3 * plane;
        assertThat(t.values()[second + 47]).isEqualTo(-1f);
        assertThat(t.values()[second + 48]).isEqualTo(0f);
    }

    @Test
    void cropsWiderThanTheBatchAreSqueezed() {
        assertThat(LineTensor.resized(plain(1000, 10, 0), 320).width()).isEqualTo(320);
    }
}
