package io.omnistream.encoder.ocr;

/**
 * A text box as four corners in pixel coordinates: top-left, top-right, bottom-right, bottom-left.
 */
record Quad(double[] xs, double[] ys) {
    Quad {
        if (xs.length != 4 || ys.length != 4) {
            throw new IllegalArgumentException("a quad has 4 corners");
        }
    }

    static Quad of(double x0, double y0, double x1, double y1, double x2, double y2, double x3, double y3) {
        return new Quad(new double[] {x0, x1, x2, x3}, new double[] {y0, y1, y2, y3});
    }

    double x(int i) {
        return xs[i];
    }

    double y(int i) {
        return ys[i];
    }

    double distance(int i, int j) {
        return Math.hypot(xs[i] - xs[j], ys[i] - ys[j]);
    }

    /**
     * The same four points, ordered top-left, top-right, bottom-right, bottom-left the way PaddleOCR does
     * ({@code get_mini_boxes} / {@code order_points_clockwise}): the two left-most points (by x) give top-left and
     * bottom-left by y, the two right-most give top-right and bottom-right.
     */
    static Quad ordered(double[] px, double[] py) {
        Integer[] idx = {0, 1, 2, 3};
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(px[a], px[b]));
        int tl = py[idx[0]] <= py[idx[1]] ? idx[0] : idx[1];
        int bl = tl == idx[0] ? idx[1] : idx[0];
        int tr = py[idx[2]] <= py[idx[3]] ? idx[2] : idx[3];
        int br = tr == idx[2] ? idx[3] : idx[2];
        return of(px[tl], py[tl], px[tr], py[tr], px[br], py[br], px[bl], py[bl]);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Quad[");
        for (int i = 0; i < 4; i++) {
            s.append(i == 0 ? "" : ", ").append('(').append(xs[i]).append(", ").append(ys[i]).append(')');
        }
        return s.append(']').toString();
    }
}
