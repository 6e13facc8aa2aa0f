package io.omnistream.encoder.ocr;

import java.util.List;

/**
 * The input of the recognition and orientation models for a batch of line crops (PaddleOCR's
 * {@code resize_norm_img}): each crop resized to {@link #HEIGHT} pixels high keeping its aspect ratio (width rounded
 * up, at most the batch width), scaled to [-1, 1] by {@code (v / 255 - 0.5) / 0.5}, and padded on the right with 0
 * to the batch width.
 *
 * @param width  the batch width, pixels
 * @param values {@code [crops, 3, HEIGHT, width]} row-major
 */
record LineTensor(int count, int width, float[] values) {
    /** Input height of PP-OCRv4 recognition and of the orientation classifier, pixels. */
    static final int HEIGHT = 48;

    /** Recognition input widths are rounded up to a multiple of this, pixels. */
    static final int WIDTH_STEP = 32;

    /**
     * The padded width a crop is recognised at: its width at {@link #HEIGHT} pixels high, rounded up to a multiple
     * of {@link #WIDTH_STEP}, at least {@code minWidth}. It depends on the crop alone, and only crops of equal
     * padded width share a batch, so a line reads the same whatever it is batched with (RapidOCR pads a batch to its
     * widest crop, which made "BCG" read "BcG" in one batch and "BCG" in another).
     */
    static int recognitionWidth(BgrImage crop, int minWidth) {
        int width = (int) Math.ceil(HEIGHT * (double) crop.width() / crop.height());
        return Math.max(minWidth, (width + WIDTH_STEP - 1) / WIDTH_STEP * WIDTH_STEP);
    }

    static LineTensor of(List<BgrImage> crops, int width) {
        int plane = HEIGHT * width;
        float[] values = new float[crops.size() * 3 * plane];
        for (int n = 0; n < crops.size(); n++) {
            BgrImage resized = resized(crops.get(n), width);
            for (int c = 0; c < 3; c++) {
                int base = (n * 3 + c) * plane;
                for (int y = 0; y < HEIGHT; y++) {
                    for (int x = 0; x < resized.width(); x++) {
                        values[base + y * width + x] = (resized.at(c, x, y) / 255f - 0.5f) / 0.5f;
                    }
                }
            }
        }
        return new LineTensor(crops.size(), width, values);
    }

    /** The crop as it enters a batch {@code width} pixels wide: {@link #HEIGHT} high, aspect kept, width capped. */
    static BgrImage resized(BgrImage crop, int width) {
        int resizedWidth = (int) Math.min(width, Math.ceil(HEIGHT * (double) crop.width() / crop.height()));
        return crop.resize(Math.max(1, resizedWidth), HEIGHT);
    }

    long[] shape() {
        return new long[] {count, 3, HEIGHT, width};
    }
}
