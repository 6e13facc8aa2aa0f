package io.omnistream.encoder.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MinAreaRectTest {
    @Test
    void axisAlignedPointsGiveTheirBoundingBox() {
        MinAreaRect r = MinAreaRect.of(List.of(new double[] {0, 0}, new double[] {10, 0}, new double[] {10, 4},
                new double[] {0, 4}, new double[] {5, 2}));

        assertThat(r.width() * r.height()).isCloseTo(40, within(1e-9));
        assertThat(r.shortSide()).isCloseTo(4, within(1e-9));
        assertThat(r.centerX()).isCloseTo(5, within(1e-9));
        assertThat(r.centerY()).isCloseTo(2, within(1e-9));
    }

    @Test
    void aRotatedRectangleIsFoundExactly() {
        // the corners of a 20 x 5 rectangle turned by atan(3/4), plus points inside it
        List<double[]> pts = new ArrayList<>(List.of(new double[] {0, 0}, new double[] {16, 12},
                new double[] {13, 16}, new double[] {-3, 4}));
        pts.add(new double[] {6, 7});
        pts.add(new double[] {8, 6});

        MinAreaRect r = MinAreaRect.of(pts);

        assertThat(r.width() * r.height()).isCloseTo(100, within(1e-9));
        assertThat(r.shortSide()).isCloseTo(5, within(1e-9));
        Quad q = r.corners();
        assertThat(new double[] {q.x(0), q.y(0), q.x(1), q.y(1), q.x(2), q.y(2), q.x(3), q.y(3)})
                .containsExactly(new double[] {0, 0, 16, 12, 13, 16, -3, 4}, within(1e-9));
    }

    @Test
    void expandGrowsEverySide() {
        MinAreaRect r = new MinAreaRect(10, 10, 20, 6, 0).expand(2);

        assertThat(r.width()).isEqualTo(24);
        assertThat(r.height()).isEqualTo(10);
    }

    @Test
    void collinearAndSinglePointsHaveNoArea() {
        assertThat(MinAreaRect.of(List.of(new double[] {1, 1}, new double[] {5, 1})).shortSide()).isZero();
        assertThat(MinAreaRect.of(List.<double[]>of(new double[] {3, 3})).shortSide()).isZero();
    }
}
