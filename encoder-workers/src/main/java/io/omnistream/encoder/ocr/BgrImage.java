package io.omnistream.encoder.ocr;

import java.awt.image.BufferedImage;

/**
 * A colour image as three float planes in B, G, R order with values 0..255: the layout PP-OCR's models were trained
 * on (PaddleOCR reads images with OpenCV, which yields BGR, and normalises the channels in that order).
 * Immutable; the resampling follows OpenCV's conventions (pixel centres at +0.5, edges replicated), so inputs match
 * what RapidOCR / PaddleOCR feed the same models.
 */
final class BgrImage {
    private final int width;
    private final int height;
    /** planar, channel-major: {@code data[(c * height + y) * width + x]}. */
    private final float[] data;

    BgrImage(int width, int height, float[] data) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image must be at least 1x1, got " + width + "x" + height);
        }
        if (data.length != 3 * width * height) {
            throw new IllegalArgumentException("expected " + 3 * width * height + " values, got " + data.length);
        }
        this.width = width;
        this.height = height;
        this.data = data;
    }

    /** Converts a Java image (alpha is dropped: transparent pixels keep their colour values, as OpenCV does). */
    static BgrImage of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[] data = new float[3 * w * h];
        int plane = w * h;
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            data[i] = p & 0xff;
            data[plane + i] = (p >> 8) & 0xff;
            data[2 * plane + i] = (p >> 16) & 0xff;
        }
        return new BgrImage(w, h, data);
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** Value of channel {@code c} (0 = B, 1 = G, 2 = R) at integer pixel (x, y). */
    float at(int c, int x, int y) {
        return data[(c * height + y) * width + x];
    }

    /**
     * Bilinear sample at pixel coordinates (pixel centres at integers), coordinates outside clamped to the edge
     * (OpenCV's BORDER_REPLICATE).
     */
    float sample(int c, double x, double y) {
        double cx = Math.min(Math.max(x, 0), width - 1);
        double cy = Math.min(Math.max(y, 0), height - 1);
        int x0 = (int) Math.floor(cx);
        int y0 = (int) Math.floor(cy);
        int x1 = Math.min(x0 + 1, width - 1);
        int y1 = Math.min(y0 + 1, height - 1);
        double fx = cx - x0;
        double fy = cy - y0;
        double top = at(c, x0, y0) * (1 - fx) + at(c, x1, y0) * fx;
        double bottom = at(c, x0, y1) * (1 - fx) + at(c, x1, y1) * fx;
        return (float) (top * (1 - fy) + bottom * fy);
    }

    /** Bilinear resize with OpenCV's INTER_LINEAR mapping: source = (destination + 0.5) * scale - 0.5. */
    BgrImage resize(int newWidth, int newHeight) {
        if (newWidth == width && newHeight == height) {
            return this;
        }
        double sx = (double) width / newWidth;
        double sy = (double) height / newHeight;
        float[] out = new float[3 * newWidth * newHeight];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < newHeight; y++) {
                double srcY = (y + 0.5) * sy - 0.5;
                for (int x = 0; x < newWidth; x++) {
                    out[(c * newHeight + y) * newWidth + x] = sample(c, (x + 0.5) * sx - 0.5, srcY);
                }
            }
        }
        return new BgrImage(newWidth, newHeight, out);
    }

    /** The {@code count} columns from {@code first} on. */
    BgrImage columns(int first, int count) {
        if (first < 0 || count < 1 || first + count > width) {
            throw new IllegalArgumentException("columns " + first + ".." + (first + count) + " outside 0.." + width);
        }
        float[] out = new float[3 * count * height];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(data, (c * height + y) * width + first, out, (c * height + y) * count, count);
            }
        }
        return new BgrImage(count, height, out);
    }

    /** Turned upside down (180°). */
    BgrImage rotate180() {
        float[] out = new float[data.length];
        int plane = width * height;
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                out[c * plane + i] = data[c * plane + plane - 1 - i];
            }
        }
        return new BgrImage(width, height, out);
    }

    /** Turned 90° counter-clockwise (numpy's {@code rot90}): the right edge becomes the top edge. */
    BgrImage rotate90CounterClockwise() {
        int newWidth = height;
        int newHeight = width;
        float[] out = new float[data.length];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < newHeight; y++) {
                for (int x = 0; x < newWidth; x++) {
                    // destination (x, y) shows source (width - 1 - y, x)
                    out[(c * newHeight + y) * newWidth + x] = at(c, width - 1 - y, x);
                }
            }
        }
        return new BgrImage(newWidth, newHeight, out);
    }
}
