package io.omnistream.encoder.ocr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The rotated rectangle of least area that encloses a set of points (OpenCV's {@code minAreaRect}): convex hull
 * (Andrew's monotone chain), then one candidate rectangle per hull edge (rotating calipers); O(n log n).
 *
 * @param centerX   centre, pixels
 * @param centerY   centre, pixels
 * @param width     side along {@code (cos angle, sin angle)}, pixels
 * @param height    the other side, pixels
 * @param angle     radians
 */
record MinAreaRect(double centerX, double centerY, double width, double height, double angle) {

    static MinAreaRect of(List<double[]> points) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no points");
        }
        List<double[]> hull = convexHull(points);
        if (hull.size() == 1) {
            return new MinAreaRect(hull.get(0)[0], hull.get(0)[1], 0, 0, 0);
        }
        MinAreaRect best = null;
        double bestArea = Double.POSITIVE_INFINITY;
        for (int i = 0; i < hull.size(); i++) {
            double[] a = hull.get(i);
            double[] b = hull.get((i + 1) % hull.size());
            double len = Math.hypot(b[0] - a[0], b[1] - a[1]);
            if (len == 0) {
                continue;
            }
            double ux = (b[0] - a[0]) / len;
            double uy = (b[1] - a[1]) / len;
            double minU = Double.POSITIVE_INFINITY, maxU = Double.NEGATIVE_INFINITY;
            double minV = Double.POSITIVE_INFINITY, maxV = Double.NEGATIVE_INFINITY;
            for (double[] p : hull) {
                double u = p[0] * ux + p[1] * uy;
                double v = -p[0] * uy + p[1] * ux;
                minU = Math.min(minU, u);
                maxU = Math.max(maxU, u);
                minV = Math.min(minV, v);
                maxV = Math.max(maxV, v);
            }
            double area = (maxU - minU) * (maxV - minV);
            if (area < bestArea - 1e-9) {
                bestArea = area;
                double cu = (minU + maxU) / 2;
                double cv = (minV + maxV) / 2;
                best = new MinAreaRect(cu * ux - cv * uy, cu * uy + cv * ux, maxU - minU, maxV - minV,
                        Math.atan2(uy, ux));
            }
        }
        return best;
    }

    /** The shorter side, pixels (PaddleOCR's {@code sside}). */
    double shortSide() {
        return Math.min(width, height);
    }

    /** Grown by {@code distance} pixels on every side. */
    MinAreaRect expand(double distance) {
        return new MinAreaRect(centerX, centerY, width + 2 * distance, height + 2 * distance, angle);
    }

    /** The corners ordered as {@link Quad#ordered}. */
    Quad corners() {
        double ux = Math.cos(angle) * width / 2, uy = Math.sin(angle) * width / 2;
        double vx = -Math.sin(angle) * height / 2, vy = Math.cos(angle) * height / 2;
        double[] px = {centerX - ux - vx, centerX + ux - vx, centerX + ux + vx, centerX - ux + vx};
        double[] py = {centerY - uy - vy, centerY + uy - vy, centerY + uy + vy, centerY - uy + vy};
        return Quad.ordered(px, py);
    }

    static List<double[]> convexHull(List<double[]> points) {
        double[][] p = points.toArray(new double[0][]);
        Arrays.sort(p, Comparator.<double[]>comparingDouble(q -> q[0]).thenComparingDouble(q -> q[1]));
        List<double[]> hull = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            int start = hull.size();
            for (int k = 0; k < p.length; k++) {
                double[] q = pass == 0 ? p[k] : p[p.length - 1 - k];
                while (hull.size() >= start + 2
                        && cross(hull.get(hull.size() - 2), hull.get(hull.size() - 1), q) <= 0) {
                    hull.remove(hull.size() - 1);
                }
                hull.add(q);
            }
            hull.remove(hull.size() - 1);
        }
        if (hull.isEmpty()) {
            hull.add(p[0]);
        }
        return hull;
    }

    private static double cross(double[] o, double[] a, double[] b) {
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    }
}
