package io.omnistream.encoder.ocr;

/**
 * Cuts a text box out of an image as an upright rectangle (PaddleOCR's {@code get_rotate_crop_image}): the crop is
 * {@code max(top, bottom edge)} wide and {@code max(left, right edge)} high, the quad is mapped onto it by the
 * perspective transform that takes the crop's corners to the quad's, sampled bilinearly with edges replicated
 * (PaddleOCR samples bicubically; the difference is sub-pixel). A crop at least {@link #VERTICAL_RATIO} times as high
 * as wide is vertical text and is turned 90° counter-clockwise, as PaddleOCR does.
 */
final class QuadCrop {
    static final double VERTICAL_RATIO = 1.5;

    private QuadCrop() {}

    static BgrImage crop(BgrImage image, Quad quad) {
        int width = Math.max(1, (int) Math.max(quad.distance(0, 1), quad.distance(2, 3)));
        int height = Math.max(1, (int) Math.max(quad.distance(0, 3), quad.distance(1, 2)));
        double[] m = unitSquareToQuad(quad);
        float[] out = new float[3 * width * height];
        for (int y = 0; y < height; y++) {
            double v = (double) y / height;
            for (int x = 0; x < width; x++) {
                double u = (double) x / width;
                double den = m[6] * u + m[7] * v + 1;
                double sx = (m[0] * u + m[1] * v + m[2]) / den;
                double sy = (m[3] * u + m[4] * v + m[5]) / den;
                for (int c = 0; c < 3; c++) {
                    out[(c * height + y) * width + x] = image.sample(c, sx, sy);
                }
            }
        }
        BgrImage crop = new BgrImage(width, height, out);
        return (double) height / width >= VERTICAL_RATIO ? crop.rotate90CounterClockwise() : crop;
    }

    /**
     * The projective map (Heckbert's closed form) taking (0,0), (1,0), (1,1), (0,1) to the quad's top-left, top-right,
     * bottom-right and bottom-left corners: {@code x = (a u + b v + c) / (g u + h v + 1)},
     * {@code y = (d u + e v + f) / (g u + h v + 1)}; returns {a, b, c, d, e, f, g, h}.
     */
    static double[] unitSquareToQuad(Quad q) {
        double x0 = q.x(0), y0 = q.y(0), x1 = q.x(1), y1 = q.y(1);
        double x2 = q.x(2), y2 = q.y(2), x3 = q.x(3), y3 = q.y(3);
        double sx = x0 - x1 + x2 - x3;
        double sy = y0 - y1 + y2 - y3;
        double g = 0;
        double h = 0;
        if (Math.abs(sx) > 1e-12 || Math.abs(sy) > 1e-12) {
            double dx1 = x1 - x2, dx2 = x3 - x2, dy1 = y1 - y2, dy2 = y3 - y2;
            double det = dx1 * dy2 - dx2 * dy1;
            if (Math.abs(det) > 1e-12) {
                g = (sx * dy2 - dx2 * sy) / det;
                h = (dx1 * sy - sx * dy1) / det;
            }
        }
        return new double[] {x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h};
    }
}
