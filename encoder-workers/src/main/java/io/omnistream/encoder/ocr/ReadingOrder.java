package io.omnistream.encoder.ocr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Sorts text boxes into reading order as PaddleOCR's {@code sorted_boxes}: by the top-left corner's y then x, then
 * boxes whose top-left corners are within {@link #SAME_LINE_PX} vertically are treated as one line and ordered
 * left to right.
 */
final class ReadingOrder {
    /** Top-left corners closer than this vertically (pixels of the original image) are on the same line. */
    static final double SAME_LINE_PX = 10;

    private ReadingOrder() {}

    static List<Quad> sort(List<Quad> boxes) {
        List<Quad> sorted = new ArrayList<>(boxes);
        sorted.sort(Comparator.<Quad>comparingDouble(q -> q.y(0)).thenComparingDouble(q -> q.x(0)));
        for (int i = 0; i < sorted.size() - 1; i++) {
            for (int j = i; j >= 0; j--) {
                Quad a = sorted.get(j);
                Quad b = sorted.get(j + 1);
                if (Math.abs(b.y(0) - a.y(0)) < SAME_LINE_PX && b.x(0) < a.x(0)) {
                    sorted.set(j, b);
                    sorted.set(j + 1, a);
                } else {
                    break;
                }
            }
        }
        return sorted;
    }
}
