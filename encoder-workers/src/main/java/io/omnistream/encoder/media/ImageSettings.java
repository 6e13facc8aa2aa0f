package io.omnistream.encoder.media;

/**
 * Limits and policies of image decoding, independent of any model.
 *
 * @param maxPixels largest width x height accepted. Checked from the header before the raster is decoded, so a
 *                  small file that declares a huge image (a decompression bomb) is refused without allocating it.
 *                  A decoded RGB image costs 4 bytes per pixel on the heap (50 MP: 200 MB)
 * @param alpha     what happens to transparency when an image with alpha becomes RGB or grayscale
 */
public record ImageSettings(long maxPixels, AlphaMode alpha) {
    /** 50 megapixels: above any camera photo in common use, below what one worker thread should ever hold. */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    /** {@link #DEFAULT_MAX_PIXELS}, alpha {@link AlphaMode#DROP} (what the Hugging Face processors do). */
    public static final ImageSettings DEFAULT = new ImageSettings(DEFAULT_MAX_PIXELS, AlphaMode.DROP);

    public ImageSettings {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be > 0, got " + maxPixels);
        }
        if (alpha == null) {
            throw new IllegalArgumentException("alpha must not be null");
        }
    }

    /** How an alpha channel is removed. */
    public enum AlphaMode {
        /**
         * Ignore alpha and keep the stored colour of each pixel, as Pillow's {@code Image.convert("RGB")} does, which
         * is what Hugging Face image processors ({@code convert_rgb}) and torchvision pipelines run. Fully
         * transparent pixels show whatever colour the file stores under them (often black).
         */
        DROP,
        /** Composite onto an opaque white background: {@code c * a + 255 * (1 - a)}, a in [0, 1], rounded. */
        WHITE
    }
}
