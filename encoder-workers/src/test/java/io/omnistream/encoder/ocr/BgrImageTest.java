package io.omnistream.encoder.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class BgrImageTest {
    /** 3 x 2, values = 10 * x + y in every channel. */
    private static BgrImage ramp() {
        float[] data = new float[18];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 3; x++) {
                    data[(c * 2 + y) * 3 + x] = 10 * x + y;
                }
            }
        }
        return new BgrImage(3, 2, data);
    }

    @Test
    void readsJavaImagesAsBgrPlanes() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x102030); // R 0x10, G 0x20, B 0x30
        image.setRGB(1, 0, 0xff0000);

        BgrImage bgr = BgrImage.of(image);

        assertThat(new float[] {bgr.at(0, 0, 0), bgr.at(1, 0, 0), bgr.at(2, 0, 0)}).containsExactly(0x30, 0x20, 0x10);
        assertThat(new float[] {bgr.at(0, 1, 0), bgr.at(1, 1, 0), bgr.at(2, 1, 0)}).containsExactly(0, 0, 255);
    }

    @Test
    void resizeUsesOpenCvPixelCentres() {
        // 3 -> 6 columns: destination x maps to (x + 0.5) / 2 - 0.5: x = 1 -> 0.25 -> 2.5; x = 0 -> -0.25 -> clamped 0
        BgrImage wide = ramp().resize(6, 2);

        assertThat(wide.at(0, 1, 0)).isCloseTo(2.5f, within(1e-5f));
        assertThat(wide.at(0, 0, 0)).isEqualTo(0f);
        assertThat(wide.at(0, 5, 1)).isEqualTo(21f);
    }

    @Test
    void rotations() {
        BgrImage turned = ramp().rotate180();
        assertThat(turned.at(1, 0, 0)).isEqualTo(21f);
        assertThat(turned.at(1, 2, 1)).isEqualTo(0f);

        BgrImage ccw = ramp().rotate90CounterClockwise();
        assertThat(ccw.width()).isEqualTo(2);
        assertThat(ccw.height()).isEqualTo(3);
        // the right column (x = 2: 20, 21) becomes the top row
        assertThat(ccw.at(0, 0, 0)).isEqualTo(20f);
        assertThat(ccw.at(0, 1, 0)).isEqualTo(21f);
        assertThat(ccw.at(0, 0, 2)).isEqualTo(0f);
    }

    @Test
    void columnsCutAVerticalStrip() {
        BgrImage strip = ramp().columns(1, 2);

        assertThat(strip.width()).isEqualTo(2);
        assertThat(strip.at(2, 0, 0)).isEqualTo(10f);
        assertThat(strip.at(2, 1, 1)).isEqualTo(21f);
        assertThatThrownBy(() -> ramp().columns(2, 2)).hasMessageContaining("outside 0..3");
    }

    @Test
    void refusesEmptyImages() {
        assertThatThrownBy(() -> new BgrImage(0, 5, new float[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0x5");
    }
}
