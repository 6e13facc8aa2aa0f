package io.omnistream.encoder.ocr;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the DB (differentiable binarisation) detector's probability map into text boxes, following PaddleOCR's
 * {@code DBPostProcess} / RapidOCR's {@code boxes_from_bitmap}: threshold the map, take each 8-connected region
 * (OpenCV's contours; holes inside a region are ignored), fit its minimum-area rectangle, keep it when the mean
 * probability inside is at least {@code boxThreshold}, grow it by the unclip distance
 * {@code area * unclipRatio / perimeter} (the detector is trained on shrunk text kernels; for a rectangle this is
 * exactly what PaddleOCR's polygon offset yields before it takes the min-area rectangle again), and scale it to the
 * original image. Pure: no ONNX Runtime.
 *
 * @param threshold    probability above which a pixel is text
 * @param boxThreshold minimum mean probability inside a box
 * @param unclipRatio  how far boxes are grown, relative to area / perimeter
 */
record DbPostProcess(double threshold, double boxThreshold, double unclipRatio) {
    /** PaddleOCR's {@code max_candidates}: regions beyond this many are ignored. */
    static final int MAX_CANDIDATES = 1000;
    /** PaddleOCR's {@code min_size}: boxes with a shorter side below this (pixels of the map) are dropped. */
    static final double MIN_SIZE = 3;

    /**
     * @param prob       probabilities, row-major {@code [mapHeight][mapWidth]}
     * @param destWidth  width of the original image, pixels
     * @param destHeight height of the original image, pixels
     * @return the boxes in original-image pixels, in no particular order (see {@link ReadingOrder})
     */
    List<Quad> boxes(float[] prob, int mapWidth, int mapHeight, int destWidth, int destHeight) {
        if (prob.length != mapWidth * mapHeight) {
            throw new IllegalArgumentException("map of " + mapWidth + "x" + mapHeight + " needs " + mapWidth * mapHeight
                    + " values, got " + prob.length);
        }
        List<Quad> boxes = new ArrayList<>();
        int[] labels = new int[prob.length];
        int[] stack = new int[prob.length];
        int regions = 0;
        for (int seed = 0; seed < prob.length && regions < MAX_CANDIDATES; seed++) {
            if (labels[seed] != 0 || !(prob[seed] > threshold)) {
                continue;
            }
            regions++;
            List<double[]> outline = region(prob, mapWidth, mapHeight, seed, regions, labels, stack);
            Quad box = box(prob, mapWidth, mapHeight, outline, destWidth, destHeight);
            if (box != null) {
                boxes.add(box);
            }
        }
        return boxes;
    }

    /**
     * Labels the 8-connected region containing {@code seed} and returns, per row, its left-most and right-most pixel:
     * enough points for the convex hull, hence for the minimum-area rectangle.
     */
    private List<double[]> region(float[] prob, int w, int h, int seed, int label, int[] labels, int[] stack) {
        int[] minX = new int[h];
        int[] maxX = new int[h];
        java.util.Arrays.fill(minX, Integer.MAX_VALUE);
        java.util.Arrays.fill(maxX, -1);
        int top = 0;
        stack[top++] = seed;
        labels[seed] = label;
        while (top > 0) {
            int p = stack[--top];
            int x = p % w;
            int y = p / w;
            minX[y] = Math.min(minX[y], x);
            maxX[y] = Math.max(maxX[y], x);
            for (int dy = -1; dy <= 1; dy++) {
                int ny = y + dy;
                if (ny < 0 || ny >= h) {
                    continue;
                }
                for (int dx = -1; dx <= 1; dx++) {
                    int nx = x + dx;
                    if (nx < 0 || nx >= w) {
                        continue;
                    }
                    int q = ny * w + nx;
                    if (labels[q] == 0 && prob[q] > threshold) {
                        labels[q] = label;
                        stack[top++] = q;
                    }
                }
            }
        }
        List<double[]> points = new ArrayList<>();
        for (int y = 0; y < h; y++) {
            if (maxX[y] >= 0) {
                points.add(new double[] {minX[y], y});
                if (maxX[y] != minX[y]) {
                    points.add(new double[] {maxX[y], y});
                }
            }
        }
        return points;
    }

    private Quad box(float[] prob, int w, int h, List<double[]> outline, int destWidth, int destHeight) {
        MinAreaRect rect = MinAreaRect.of(outline);
        if (rect.shortSide() < MIN_SIZE) {
            return null;
        }
        if (meanInside(prob, w, h, rect.corners()) < boxThreshold) {
            return null;
        }
        double area = rect.width() * rect.height();
        double perimeter = 2 * (rect.width() + rect.height());
        MinAreaRect grown = rect.expand(area * unclipRatio / perimeter);
        if (grown.shortSide() < MIN_SIZE + 2) {
            return null;
        }
        Quad q = grown.corners();
        double[] xs = new double[4];
        double[] ys = new double[4];
        for (int i = 0; i < 4; i++) {
            // PaddleOCR scales with np.round (half-even), clips to the image, and later to the last pixel
            xs[i] = clamp(Math.rint(q.x(i) / w * destWidth), destWidth - 1);
            ys[i] = clamp(Math.rint(q.y(i) / h * destHeight), destHeight - 1);
        }
        Quad scaled = Quad.ordered(xs, ys);
        if ((int) scaled.distance(0, 1) <= 3 || (int) scaled.distance(0, 3) <= 3) {
            return null;
        }
        return scaled;
    }

    /**
     * Mean probability over the pixels inside the box (PaddleOCR's {@code box_score_fast}: corners truncated to
     * integers, pixels on the outline count as inside).
     */
    static double meanInside(float[] prob, int w, int h, Quad box) {
        double[] px = new double[4];
        double[] py = new double[4];
        int xmin = w - 1, xmax = 0, ymin = h - 1, ymax = 0;
        for (int i = 0; i < 4; i++) {
            px[i] = (int) box.x(i);
            py[i] = (int) box.y(i);
            xmin = Math.min(xmin, clamp((int) Math.floor(box.x(i)), w - 1));
            xmax = Math.max(xmax, clamp((int) Math.ceil(box.x(i)), w - 1));
            ymin = Math.min(ymin, clamp((int) Math.floor(box.y(i)), h - 1));
            ymax = Math.max(ymax, clamp((int) Math.ceil(box.y(i)), h - 1));
        }
        double sum = 0;
        int n = 0;
        for (int y = ymin; y <= ymax; y++) {
            for (int x = xmin; x <= xmax; x++) {
                if (inside(px, py, x, y)) {
                    sum += prob[y * w + x];
                    n++;
                }
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    /** Point in a convex polygon given in either winding, boundary included. */
    private static boolean inside(double[] px, double[] py, double x, double y) {
        boolean neg = false, pos = false;
        for (int i = 0; i < 4; i++) {
            int j = (i + 1) % 4;
            double c = (px[j] - px[i]) * (y - py[i]) - (py[j] - py[i]) * (x - px[i]);
            neg |= c < -1e-9;
            pos |= c > 1e-9;
        }
        return !(neg && pos);
    }

    private static double clamp(double v, int max) {
        return Math.min(Math.max(v, 0), max);
    }

    private static int clamp(int v, int max) {
        return Math.min(Math.max(v, 0), max);
    }
}
