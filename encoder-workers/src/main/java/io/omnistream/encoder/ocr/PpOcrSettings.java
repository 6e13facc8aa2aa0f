package io.omnistream.encoder.ocr;

/**
 * How {@link PpOcrEngine} reads images. Every field changes the text and is part of {@link PpOcrEngine#version()}.
 *
 * @param detLimitSideLen longest side, pixels, an image is scaled down to before detection (PaddleOCR's
 *                        {@code limit_side_len}, type "max"; each side is then rounded to a multiple of 32): larger
 *                        finds smaller text and costs time quadratically
 * @param detThreshold    detector probability above which a pixel is text, in (0, 1)
 * @param boxThreshold    minimum mean detector probability inside a kept box, in (0, 1)
 * @param unclipRatio     how far detected text kernels are grown into boxes (by area * ratio / perimeter), &gt; 0
 * @param useAngleCls     whether each line is checked by the orientation classifier and turned 180° when it is upside
 *                        down (label "180" with probability &gt; {@link #ANGLE_THRESHOLD})
 * @param recBatch        most line crops per recognition (and orientation) run, &ge; 1; a recognition run holds crops
 *                        of one padded width only (on 2 shared CPU cores batching gained nothing: 1 is as fast)
 * @param minConfidence   lines whose mean character probability is below this are dropped, in [0, 1]
 * @param recoverSpaces   whether spaces between words are put back from the gaps in the line image where the
 *                        recogniser left them out (see {@code WordGaps}); PaddleOCR has no such step
 */
public record PpOcrSettings(int detLimitSideLen, double detThreshold, double boxThreshold, double unclipRatio,
                            boolean useAngleCls, int recBatch, double minConfidence, boolean recoverSpaces) {
    /** Orientation probability above which a line is turned (PaddleOCR's {@code cls_thresh}). */
    public static final double ANGLE_THRESHOLD = 0.9;
    /** Minimum recognition batch width, pixels (PaddleOCR's {@code rec_image_shape} 3,48,320). */
    public static final int REC_MIN_WIDTH = 320;
    /** Orientation classifier input width, pixels (3,48,192). */
    public static final int CLS_WIDTH = 192;

    public PpOcrSettings {
        if (detLimitSideLen < 32) {
            throw new IllegalArgumentException("detLimitSideLen must be >= 32 pixels, got " + detLimitSideLen);
        }
        if (!(detThreshold > 0 && detThreshold < 1)) {
            throw new IllegalArgumentException("detThreshold must be in (0, 1), got " + detThreshold);
        }
        if (!(boxThreshold > 0 && boxThreshold < 1)) {
            throw new IllegalArgumentException("boxThreshold must be in (0, 1), got " + boxThreshold);
        }
        if (!(unclipRatio > 0 && unclipRatio < 100)) {
            throw new IllegalArgumentException("unclipRatio must be in (0, 100), got " + unclipRatio);
        }
        if (recBatch < 1) {
            throw new IllegalArgumentException("recBatch must be >= 1, got " + recBatch);
        }
        if (!(minConfidence >= 0 && minConfidence <= 1)) {
            throw new IllegalArgumentException("minConfidence must be in [0, 1], got " + minConfidence);
        }
    }

    /**
     * RapidOCR's defaults (limit 736, thresholds 0.3 / 0.5, unclip 1.6, orientation on, 0.5), 8 lines a run, and
     * spaces recovered.
     */
    public static PpOcrSettings defaults() {
        return new PpOcrSettings(736, 0.3, 0.5, 1.6, true, 8, 0.5, true);
    }

    public PpOcrSettings withRecoverSpaces(boolean recover) {
        return new PpOcrSettings(detLimitSideLen, detThreshold, boxThreshold, unclipRatio, useAngleCls, recBatch,
                minConfidence, recover);
    }

    public PpOcrSettings withDetLimitSideLen(int pixels) {
        return new PpOcrSettings(pixels, detThreshold, boxThreshold, unclipRatio, useAngleCls, recBatch, minConfidence,
                recoverSpaces);
    }

    public PpOcrSettings withUseAngleCls(boolean use) {
        return new PpOcrSettings(detLimitSideLen, detThreshold, boxThreshold, unclipRatio, use, recBatch, minConfidence,
                recoverSpaces);
    }

    public PpOcrSettings withRecBatch(int lines) {
        return new PpOcrSettings(detLimitSideLen, detThreshold, boxThreshold, unclipRatio, useAngleCls, lines,
                minConfidence, recoverSpaces);
    }

    /** The settings as they appear in the engine version. */
    String describe() {
        return "limit=" + detLimitSideLen + " thresh=" + detThreshold + " box=" + boxThreshold
                + " unclip=" + unclipRatio
                + " cls=" + useAngleCls + " batch=" + recBatch + " minconf=" + minConfidence
                + " spaces=" + (recoverSpaces ? "gaps" : "model")
                // each line padded to a width of its own (not its batch's widest): names the output, so part of it
                + " pad=line";
    }
}
