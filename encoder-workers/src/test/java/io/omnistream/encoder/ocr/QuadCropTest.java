package io.omnistream.encoder.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Crop geometry on images whose pixel values encode their coordinates, so each sample tells where it came from. */
class QuadCropTest {
    /** B = x, G = y, R = 0. */
    private static BgrImage coordinates(int w, int h) {
        float[] data = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                data[y * w + x] = x;
                data[w * h + y * w + x] = y;
            }
        }
        return new BgrImage(w, h, data);
    }

    @Test
    void axisAlignedBoxIsCutOutAsIs() {
        BgrImage crop = QuadCrop.crop(coordinates(100, 50), Quad.of(10, 5, 40, 5, 40, 25, 10, 25));

        assertThat(crop.width()).isEqualTo(30);
        assertThat(crop.height()).isEqualTo(20);
        assertThat(crop.at(0, 0, 0)).isEqualTo(10f);
        assertThat(crop.at(1, 0, 0)).isEqualTo(5f);
        assertThat(crop.at(0, 29, 19)).isEqualTo(39f);
        assertThat(crop.at(1, 29, 19)).isEqualTo(24f);
    }

    @Test
    void rotatedBoxIsStraightened() {
        // a 40 x 10 box turned by atan(3/4): its top edge runs (20, 10) -> (52, 34), length 40
        Quad q = Quad.of(20, 10, 52, 34, 46, 42, 14, 18);

        BgrImage crop = QuadCrop.crop(coordinates(100, 100), q);

        assertThat(crop.width()).isEqualTo(40);
        assertThat(crop.height()).isEqualTo(10);
        // crop pixel (x, 0) lies at (20, 10) + x * (0.8, 0.6)
        assertThat(crop.at(0, 20, 0)).isCloseTo(36f, within(1e-3f));
        assertThat(crop.at(1, 20, 0)).isCloseTo(22f, within(1e-3f));
        // crop pixel (0, y) lies at (20, 10) + y * (-0.6, 0.8)
        assertThat(crop.at(0, 0, 5)).isCloseTo(17f, within(1e-3f));
        assertThat(crop.at(1, 0, 5)).isCloseTo(14f, within(1e-3f));
    }

    @Test
    void tallCropsAreTurnedCounterClockwise() {
        // 10 wide, 30 high: ratio 3 >= 1.5
        BgrImage crop = QuadCrop.crop(coordinates(50, 50), Quad.of(5, 5, 15, 5, 15, 35, 5, 35));

        assertThat(crop.width()).isEqualTo(30);
        assertThat(crop.height()).isEqualTo(10);
        // the crop's top-right corner (source 14, 5) is now its top-left
        assertThat(crop.at(0, 0, 0)).isEqualTo(14f);
        assertThat(crop.at(1, 0, 0)).isEqualTo(5f);
    }

    @Test
    void unitSquareMapsOntoTheCornersOfAPerspectiveQuad() {
        Quad q = Quad.of(10, 10, 90, 20, 80, 70, 5, 60);
        double[] m = QuadCrop.unitSquareToQuad(q);
        double[][] uv = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
        for (int i = 0; i < 4; i++) {
            double den = m[6] * uv[i][0] + m[7] * uv[i][1] + 1;
            assertThat((m[0] * uv[i][0] + m[1] * uv[i][1] + m[2]) / den).isCloseTo(q.x(i), within(1e-9));
            assertThat((m[3] * uv[i][0] + m[4] * uv[i][1] + m[5]) / den).isCloseTo(q.y(i), within(1e-9));
        }
    }
}
