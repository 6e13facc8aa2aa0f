package io.omnistream.encoder.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DB post-processing on hand-made probability maps. Expected boxes are worked out by hand: a filled axis-aligned
 * block of pixel columns x0..x1 and rows y0..y1 has the min-area rectangle through the outer pixel centres,
 * w = x1 - x0, h = y1 - y0; unclip grows each side by d = w * h * ratio / (2 (w + h)).
 */
class DbPostProcessTest {
    private static final DbPostProcess DB = new DbPostProcess(0.3, 0.5, 1.6);

    private static float[] map(int w, int h) {
        return new float[w * h];
    }

    private static void fill(float[] map, int w, int x0, int y0, int x1, int y1, float p) {
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                map[y * w + x] = p;
            }
        }
    }

    @Test
    void aBlockBecomesItsGrownRectangle() {
        float[] m = map(100, 40);
        fill(m, 100, 10, 10, 70, 20, 0.9f); // w = 60, h = 10: d = 600 * 1.6 / 140 = 6.857

        List<Quad> boxes = DB.boxes(m, 100, 40, 100, 40);

        assertThat(boxes).hasSize(1);
        Quad q = boxes.get(0);
        // corners 10 - 6.857 = 3.14 -> 3, 70 + 6.857 = 76.86 -> 77, 10 - 6.857 -> 3, 20 + 6.857 = 26.86 -> 27
        assertThat(new double[] {q.x(0), q.y(0), q.x(1), q.y(1), q.x(2), q.y(2), q.x(3), q.y(3)})
                .containsExactly(3, 3, 77, 3, 77, 27, 3, 27);
    }

    @Test
    void boxesAreScaledToTheOriginalImage() {
        float[] m = map(100, 40);
        fill(m, 100, 10, 10, 70, 20, 0.9f);

        Quad q = DB.boxes(m, 100, 40, 200, 80).get(0);

        // map coordinates doubled, then rounded: 3.14 * 2 = 6.29 -> 6, 76.86 * 2 = 153.7 -> 154
        assertThat(q.x(0)).isEqualTo(6);
        assertThat(q.y(0)).isEqualTo(6);
        assertThat(q.x(2)).isEqualTo(154);
        assertThat(q.y(2)).isEqualTo(54);
    }

    @Test
    void separateRegionsGiveSeparateBoxes() {
        float[] m = map(100, 60);
        fill(m, 100, 10, 5, 40, 15, 0.9f);
        fill(m, 100, 10, 35, 40, 45, 0.9f);

        assertThat(DB.boxes(m, 100, 60, 100, 60)).hasSize(2);
    }

    @Test
    void regionsTouchingAtACornerAreOne() {
        float[] m = map(100, 60);
        fill(m, 100, 10, 5, 40, 15, 0.9f);
        fill(m, 100, 41, 16, 70, 26, 0.9f); // (40, 15) and (41, 16) are diagonal neighbours: 8-connected
        DbPostProcess lenient = new DbPostProcess(0.3, 0.1, 1.6); // the joined box is half empty

        assertThat(lenient.boxes(m, 100, 60, 100, 60)).hasSize(1);
    }

    @Test
    void weakRegionsAndThinRegionsAreDropped() {
        float[] m = map(100, 40);
        fill(m, 100, 10, 10, 70, 20, 0.45f); // above the 0.3 threshold, mean below the 0.5 box threshold
        fill(m, 100, 10, 30, 70, 31, 0.9f); // two pixel rows: short side 1 < 3

        assertThat(DB.boxes(m, 100, 40, 100, 40)).isEmpty();
    }

    @Test
    void scoreIsTheMeanInsideTheBox() {
        float[] m = map(20, 10);
        fill(m, 20, 2, 2, 11, 5, 0.4f);
        fill(m, 20, 2, 2, 6, 5, 0.8f); // half of the 10 x 4 pixels at 0.8, half at 0.4

        assertThat(DbPostProcess.meanInside(m, 20, 10, Quad.of(2, 2, 11, 2, 11, 5, 2, 5))).isCloseTo(0.6, within(1e-6));
    }

    @Test
    void aTiltedLineGivesATiltedBox() {
        int w = 200;
        float[] m = map(w, 100);
        // a band 9 px high rising 1 px every 10 px: slope 0.1
        for (int x = 20; x <= 180; x++) {
            int top = 60 - (x - 20) / 10;
            fill(m, w, x, top, x, top + 8, 0.9f);
        }

        Quad q = DB.boxes(m, w, 100, w, 100).get(0);

        double slope = (q.y(1) - q.y(0)) / (q.x(1) - q.x(0));
        assertThat(slope).isCloseTo(-0.1, within(0.02));
    }

    @Test
    void emptyMapHasNoBoxes() {
        assertThat(DB.boxes(map(64, 32), 64, 32, 640, 320)).isEmpty();
    }
}
