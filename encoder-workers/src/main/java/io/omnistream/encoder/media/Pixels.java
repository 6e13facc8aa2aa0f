package io.omnistream.encoder.media;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;

/**
 * An 8-bit image with 1 (grey, "L") or 3 (RGB) channels, interleaved row-major: sample (x, y, c) is
 * {@code data[(y * width + x) * channels + c]}, in 0..255. This is the form Pillow resizes ("L" / "RGB" images),
 * which is what this package reproduces.
 */
final class Pixels {
    final int width;
    final int height;
    final int channels;
    final int[] data;

    Pixels(int width, int height, int channels, int[] data) {
        if (width <= 0 || height <= 0 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException("bad image geometry " + width + "x" + height + "x" + channels);
        }
        if (data.length != width * height * channels) {
            throw new IllegalArgumentException("expected " + width * height * channels + " samples, got " + data.length);
        }
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.data = data;
    }

    int get(int x, int y, int c) {
        return data[(y * width + x) * channels + c];
    }

    /**
     * Converts a decoded image to 8-bit RGB (channels 3) or grey (channels 1).
     *
     * <p>Grey sources (a colour model in a grey colour space: 8-bit grey PNG/JPEG, grey+alpha PNG) are read from the
     * raster directly: {@code BufferedImage.getRGB} would pass them through the JDK's linear-grey to sRGB
     * conversion and change their values, which Pillow does not. 16-bit grey is brought to 8 bits by
     * {@code round(v / 257)}. Every other source goes through {@code getRGB} (palette, RGB, RGBA, 16-bit RGB).
     *
     * <p>RGB to grey is ITU-R 601-2 luma with Pillow's fixed-point rounding:
     * {@code L = (R * 19595 + G * 38470 + B * 7471 + 32768) >> 16}.
     */
    static Pixels from(BufferedImage image, int channels, ImageSettings.AlphaMode alpha) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] out = new int[w * h * channels];
        ColorModel cm = image.getColorModel();
        boolean hasAlpha = cm.hasAlpha();
        if (isGrey(cm)) {
            Raster raster = image.getRaster();
            int alphaBand = hasAlpha ? raster.getNumBands() - 1 : -1;
            int greyBits = cm.getComponentSize(0);
            int alphaBits = hasAlpha ? cm.getComponentSize(alphaBand) : 8;
            int[] grey = new int[w];
            int[] a = hasAlpha ? new int[w] : null;
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, grey);
                if (hasAlpha) {
                    raster.getSamples(0, y, w, 1, alphaBand, a);
                }
                for (int x = 0; x < w; x++) {
                    int v = to8(grey[x], greyBits);
                    if (hasAlpha && alpha == ImageSettings.AlphaMode.WHITE) {
                        v = overWhite(v, to8(a[x], alphaBits));
                    }
                    int o = (y * w + x) * channels;
                    for (int c = 0; c < channels; c++) {
                        out[o + c] = v;
                    }
                }
            }
            return new Pixels(w, h, channels, out);
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w); // non-premultiplied sRGB ARGB
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int r = (argb >> 16) & 0xff;
                int g = (argb >> 8) & 0xff;
                int b = argb & 0xff;
                if (hasAlpha && alpha == ImageSettings.AlphaMode.WHITE) {
                    int a = argb >>> 24;
                    r = overWhite(r, a);
                    g = overWhite(g, a);
                    b = overWhite(b, a);
                }
                int o = (y * w + x) * channels;
                if (channels == 3) {
                    out[o] = r;
                    out[o + 1] = g;
                    out[o + 2] = b;
                } else {
                    out[o] = luma(r, g, b);
                }
            }
        }
        return new Pixels(w, h, channels, out);
    }

    /** Pillow's "L" conversion (ITU-R 601-2 luma, 16-bit fixed point, rounded). */
    static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    private static boolean isGrey(ColorModel cm) {
        return cm instanceof ComponentColorModel
                && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && cm.getNumColorComponents() == 1
                && cm.getTransferType() != DataBuffer.TYPE_FLOAT && cm.getTransferType() != DataBuffer.TYPE_DOUBLE;
    }

    private static int to8(int v, int bits) {
        if (bits == 8) {
            return v;
        }
        long max = (1L << bits) - 1;
        return (int) Math.round(v * 255.0 / max);
    }

    private static int overWhite(int c, int a) {
        return (int) Math.round((c * a + 255.0 * (255 - a)) / 255.0);
    }

    /** The rectangle [left, left + w) x [top, top + h), which must lie inside the image. */
    Pixels crop(int left, int top, int w, int h) {
        if (left < 0 || top < 0 || left + w > width || top + h > height) {
            throw new IllegalArgumentException("crop " + w + "x" + h + "+" + left + "+" + top + " outside "
                    + width + "x" + height);
        }
        int[] out = new int[w * h * channels];
        for (int y = 0; y < h; y++) {
            System.arraycopy(data, ((top + y) * width + left) * channels, out, y * w * channels, w * channels);
        }
        return new Pixels(w, h, channels, out);
    }
}
