package io.omnistream.encoder.ocr;

/**
 * The detection model's input for one image (PaddleOCR's {@code DetResizeForTest} with limit type "max", then
 * {@code NormalizeImage}, then HWC→CHW): the image resized so that each side is a multiple of 32 (the DB network
 * downsamples by 32) and the longer side is at most {@code limitSideLen} (before rounding), normalised with the
 * ImageNet mean and standard deviation applied to the B, G, R planes in that order, as PaddleOCR does.
 *
 * @param width  tensor width, a multiple of 32, at least 32
 * @param height tensor height, a multiple of 32, at least 32
 * @param values {@code [1, 3, height, width]} row-major
 */
record DetectionInput(int width, int height, float[] values) {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    /** Tensor size [width, height] for an image of {@code width x height} pixels. */
    static int[] size(int width, int height, int limitSideLen) {
        int longer = Math.max(width, height);
        double ratio = longer > limitSideLen ? (double) limitSideLen / longer : 1.0;
        // Python's round() is round-half-even, like Math.rint
        int w = Math.max((int) Math.rint(width * ratio / 32) * 32, 32);
        int h = Math.max((int) Math.rint(height * ratio / 32) * 32, 32);
        return new int[] {w, h};
    }

    static DetectionInput of(BgrImage image, int limitSideLen) {
        int[] size = size(image.width(), image.height(), limitSideLen);
        BgrImage resized = image.resize(size[0], size[1]);
        int plane = size[0] * size[1];
        float[] values = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size[1]; y++) {
                for (int x = 0; x < size[0]; x++) {
                    values[c * plane + y * size[0] + x] = (resized.at(c, x, y) / 255f - MEAN[c]) / STD[c];
                }
            }
        }
        return new DetectionInput(size[0], size[1], values);
    }
}
