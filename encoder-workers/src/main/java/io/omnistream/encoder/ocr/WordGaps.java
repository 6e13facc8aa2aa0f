package io.omnistream.encoder.ocr;

import java.util.ArrayList;
import java.util.List;

/**
 * Puts back the spaces between words that the PP-OCRv4 general (Chinese + English) recogniser leaves out: it was
 * trained on mostly Chinese lines and often reads "trial results" as "trialresults" (PaddleOCR issues #11386, #5448;
 * PaddleX #3519: "a defect of the general model"), which would hand the text tower unknown run-together words.
 *
 * <p>The line image itself shows the spaces: a word gap is a run of columns without ink at least
 * {@link #MIN_GAP_OF_HEIGHT} of the line height wide and at least {@link #MIN_GAP_OF_MEDIAN} times the line's median
 * blank run (letter gaps inside a word are far narrower: measured on DB boxes of DejaVu Sans lines, which are about
 * cap height + descender high, letter gaps reach 0.21 of the height and word gaps start at 0.48). A space is inserted
 * between two consecutive characters when such a run lies between the columns the recogniser read them at (CTC
 * steps are evenly spread over the input width). Ink is a pixel whose grey level differs from the line's median (its
 * background) by more than {@link #INK_OF_CONTRAST} of the line's largest difference, so dark-on-light and
 * light-on-dark text both work. Pure: no ONNX Runtime.
 */
final class WordGaps {
    /** Minimum width of a word gap, as a fraction of the line height. */
    static final double MIN_GAP_OF_HEIGHT = 0.3;
    /** Minimum width of a word gap relative to the median blank run of its line (most runs are letter gaps). */
    static final double MIN_GAP_OF_MEDIAN = 2.0;
    /** Ink threshold, as a fraction of the line's contrast. */
    static final double INK_OF_CONTRAST = 0.35;
    /** Lines with less contrast than this (grey levels 0..255) are left as read. */
    static final double MIN_CONTRAST = 20;

    private WordGaps() {}

    /**
     * Blank column runs of a line image wide enough to be word gaps.
     *
     * @param line  the line as fed to the recogniser (already resized to its height)
     * @return {start, end} column pairs, end exclusive, left to right
     */
    static List<int[]> gaps(BgrImage line) {
        int w = line.width();
        int h = line.height();
        float[] grey = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                grey[y * w + x] = (line.at(0, x, y) + line.at(1, x, y) + line.at(2, x, y)) / 3f;
            }
        }
        float background = median(grey);
        double contrast = 0;
        for (float g : grey) {
            contrast = Math.max(contrast, Math.abs(g - background));
        }
        List<int[]> gaps = new ArrayList<>();
        if (contrast < MIN_CONTRAST) {
            return gaps;
        }
        double ink = contrast * INK_OF_CONTRAST;
        List<int[]> runs = new ArrayList<>();
        int runStart = -1;
        for (int x = 0; x <= w; x++) {
            boolean blank = x < w;
            for (int y = 0; y < h && blank; y++) {
                blank = Math.abs(grey[y * w + x] - background) <= ink;
            }
            if (blank && runStart < 0) {
                runStart = x;
            } else if (!blank && runStart >= 0) {
                // runs touching the line's ends are margins, not gaps between characters
                if (runStart > 0 && x < w) {
                    runs.add(new int[] {runStart, x});
                }
                runStart = -1;
            }
        }
        if (runs.isEmpty()) {
            return gaps;
        }
        int[] widths = runs.stream().mapToInt(r -> r[1] - r[0]).sorted().toArray();
        double minGap = Math.max(MIN_GAP_OF_HEIGHT * h, MIN_GAP_OF_MEDIAN * widths[widths.length / 2]);
        for (int[] run : runs) {
            if (run[1] - run[0] >= minGap) {
                gaps.add(run);
            }
        }
        return gaps;
    }

    /** Median grey level to the nearest integer (a 256-bin histogram: O(n), where sorting took 35 ms a line). */
    static float median(float[] grey) {
        int[] histogram = new int[256];
        for (float g : grey) {
            histogram[Math.min(255, Math.max(0, Math.round(g)))]++;
        }
        int seen = 0;
        for (int level = 0; level < 256; level++) {
            seen += histogram[level];
            if (seen > grey.length / 2) {
                return level;
            }
        }
        return 255;
    }

    /**
     * The line's text with a space wherever a word gap lies between two consecutive characters.
     *
     * @param stepWidth columns of the line image per recogniser time step
     */
    static String withSpaces(CtcDecoder.Line line, List<int[]> gaps, double stepWidth) {
        List<String> chars = line.chars();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < chars.size(); i++) {
            if (i > 0 && !chars.get(i).isBlank() && !chars.get(i - 1).isBlank()) {
                double left = (line.steps()[i - 1] + 0.5) * stepWidth;
                double right = (line.steps()[i] + 0.5) * stepWidth;
                for (int[] gap : gaps) {
                    double centre = (gap[0] + gap[1]) / 2.0;
                    if (centre > left && centre < right) {
                        text.append(' ');
                        break;
                    }
                }
            }
            text.append(chars.get(i));
        }
        return text.toString();
    }
}
