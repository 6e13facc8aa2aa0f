package io.omnistream.encoder.media;

import io.omnistream.encoder.tower.Preprocessing.Interpolation;

/**
 * Resizes 8-bit images the way Pillow's {@code Image.resize(size, BILINEAR | BICUBIC)} does (Pillow's
 * {@code libImaging/Resample.c}), so that tensors match what Hugging Face / torchvision preprocessing (both resize
 * with Pillow) feed the same model.
 *
 * <p>The convention, per axis, for an input of {@code in} pixels resized to {@code out}:
 * <ul>
 *   <li>Half-pixel centres: output pixel {@code i} is centred at {@code (i + 0.5) * scale} in input coordinates,
 *       {@code scale = in / out}, input pixel {@code j} at {@code j + 0.5}.</li>
 *   <li>Kernels: BILINEAR is the triangle {@code max(0, 1 - |t|)} (support 1); BICUBIC is Keys' cubic convolution
 *       with {@code a = -0.5} (support 2), Pillow's choice (OpenCV uses -0.75).</li>
 *   <li>Antialiasing on downscale, as Pillow does: when {@code scale > 1} the kernel is stretched by
 *       {@code scale} (support {@code scale} times wider, taps weighted {@code kernel(t / scale)}), so every input
 *       pixel contributes. Upscaling uses the plain kernel, i.e. ordinary bilinear / bicubic interpolation.</li>
 *   <li>Edges: taps outside the image are dropped and the remaining weights renormalised to sum 1 (not clamped
 *       or mirrored).</li>
 *   <li>Separable, horizontal pass first; both passes round to 8 bits (fixed-point weights with 22 fractional
 *       bits, round half up, clip to 0..255), exactly as Pillow's 8-bit path, so bicubic overshoot is clipped.</li>
 *   <li>An axis whose size does not change is not resampled.</li>
 * </ul>
 */
final class Resampler {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private Resampler() {}

    static Pixels resize(Pixels src, int outWidth, int outHeight, Interpolation interpolation) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("target size must be > 0, got " + outWidth + "x" + outHeight);
        }
        Pixels image = src;
        if (outWidth != src.width) {
            image = horizontal(image, outWidth, coefficients(src.width, outWidth, interpolation));
        }
        if (outHeight != src.height) {
            image = vertical(image, outHeight, coefficients(src.height, outHeight, interpolation));
        }
        return image;
    }

    /** Taps of one axis: for output i, input pixels [first[i], first[i] + count[i]) with fixed-point weights. */
    record Taps(int[] first, int[] count, int[][] weights) {}

    static Taps coefficients(int inSize, int outSize, Interpolation interpolation) {
        double support = interpolation == Interpolation.BICUBIC ? 2.0 : 1.0;
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        support *= filterScale;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[][] weights = new int[outSize][];
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * scale;
            // Pillow truncates (int)(v + 0.5) toward zero; for the negative values this can give, clamping to 0
            // right after makes truncation and floor agree.
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            double[] k = new double[Math.max(xmax, 0)];
            double sum = 0;
            double ss = 1.0 / filterScale; // multiplied, not divided: the same rounding as Pillow
            for (int x = 0; x < xmax; x++) {
                double w = kernel((x + xmin - center + 0.5) * ss, interpolation);
                k[x] = w;
                sum += w;
            }
            int[] fixed = new int[k.length];
            for (int x = 0; x < k.length; x++) {
                double v = sum != 0.0 ? k[x] / sum : k[x];
                fixed[x] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
            }
            first[i] = xmin;
            count[i] = k.length;
            weights[i] = fixed;
        }
        return new Taps(first, count, weights);
    }

    static double kernel(double t, Interpolation interpolation) {
        double x = Math.abs(t);
        if (interpolation == Interpolation.BILINEAR) {
            return x < 1.0 ? 1.0 - x : 0.0;
        }
        final double a = -0.5;
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    private static Pixels horizontal(Pixels src, int outWidth, Taps taps) {
        int ch = src.channels;
        int[] out = new int[outWidth * src.height * ch];
        for (int y = 0; y < src.height; y++) {
            int rowBase = y * src.width * ch;
            for (int x = 0; x < outWidth; x++) {
                int first = taps.first[x];
                int[] w = taps.weights[x];
                for (int c = 0; c < ch; c++) {
                    long ss = 1L << (PRECISION_BITS - 1);
                    for (int k = 0; k < w.length; k++) {
                        ss += (long) src.data[rowBase + (first + k) * ch + c] * w[k];
                    }
                    out[(y * outWidth + x) * ch + c] = clip8(ss);
                }
            }
        }
        return new Pixels(outWidth, src.height, ch, out);
    }

    private static Pixels vertical(Pixels src, int outHeight, Taps taps) {
        int ch = src.channels;
        int rowLen = src.width * ch;
        int[] out = new int[rowLen * outHeight];
        for (int y = 0; y < outHeight; y++) {
            int first = taps.first[y];
            int[] w = taps.weights[y];
            for (int i = 0; i < rowLen; i++) {
                long ss = 1L << (PRECISION_BITS - 1);
                for (int k = 0; k < w.length; k++) {
                    ss += (long) src.data[(first + k) * rowLen + i] * w[k];
                }
                out[y * rowLen + i] = clip8(ss);
            }
        }
        return new Pixels(src.width, outHeight, ch, out);
    }

    private static int clip8(long in) {
        if (in >= (1L << PRECISION_BITS << 8)) {
            return 255;
        }
        if (in <= 0) {
            return 0;
        }
        return (int) (in >> PRECISION_BITS);
    }
}
