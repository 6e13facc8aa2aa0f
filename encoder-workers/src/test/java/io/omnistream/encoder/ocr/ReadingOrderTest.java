package io.omnistream.encoder.ocr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReadingOrderTest {
    private static Quad at(double x, double y) {
        return Quad.of(x, y, x + 50, y, x + 50, y + 20, x, y + 20);
    }

    @Test
    void topToBottomThenLeftToRightWithinALine() {
        Quad right = at(300, 10);
        Quad left = at(20, 14); // 4 px lower but on the same line
        Quad second = at(20, 60);
        Quad third = at(200, 110);

        assertThat(ReadingOrder.sort(List.of(third, right, second, left))).containsExactly(left, right, second, third);
    }

    @Test
    void tenPixelsApartIsAnotherLine() {
        Quad upper = at(300, 10);
        Quad lower = at(20, 20);

        assertThat(ReadingOrder.sort(List.of(lower, upper))).containsExactly(upper, lower);
    }

    @Test
    void threeBoxesOfOneSlightlySlantedLine() {
        // each box 4 px above its left neighbour: neighbours are within 10 px, so they are swapped into x order
        Quad a = at(20, 14);
        Quad b = at(120, 10);
        Quad c = at(220, 6);

        assertThat(ReadingOrder.sort(List.of(c, b, a))).containsExactly(a, b, c);
    }
}
