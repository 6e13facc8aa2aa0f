package io.omnistream.encoder.ocr;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Greedy CTC decoding of the recognition model's per-timestep class probabilities (PaddleOCR's
 * {@code CTCLabelDecode}): take the most probable class at each step, collapse repeats, drop the blank. Class 0 is
 * the CTC blank, classes 1..n are the dictionary's lines in order, class n+1 is a space (PaddleOCR's
 * {@code use_space_char}). The confidence of a line is the mean probability of the characters kept (0 when none).
 */
final class CtcDecoder {
    private final String[] classes;

    CtcDecoder(List<String> dictionary) {
        classes = new String[dictionary.size() + 2];
        classes[0] = "";
        for (int i = 0; i < dictionary.size(); i++) {
            classes[i + 1] = dictionary.get(i);
        }
        classes[classes.length - 1] = " ";
    }

    /** Reads a dictionary: one entry per line, UTF-8, line terminators stripped, nothing else. */
    static List<String> readDictionary(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** Number of classes the model must output: blank + dictionary + space. */
    int classCount() {
        return classes.length;
    }

    /**
     * A decoded line.
     *
     * @param chars      the characters kept, in order (a dictionary entry each)
     * @param steps      for each kept character, the time step it was read at (steps run left to right over the
     *                   input width, evenly)
     * @param confidence mean probability of the kept characters, 0 when none
     */
    record Line(List<String> chars, int[] steps, double confidence) {
        String text() {
            return String.join("", chars);
        }
    }

    /**
     * @param probs  {@code [steps][classCount]} row-major, for one line
     * @param offset where the line starts in {@code probs}
     */
    Line decode(float[] probs, int offset, int steps) {
        List<String> chars = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        double sum = 0;
        int kept = 0;
        int previous = -1;
        for (int t = 0; t < steps; t++) {
            int base = offset + t * classes.length;
            int best = 0;
            float bestP = probs[base];
            for (int c = 1; c < classes.length; c++) {
                if (probs[base + c] > bestP) {
                    bestP = probs[base + c];
                    best = c;
                }
            }
            if (best != 0 && best != previous) {
                chars.add(classes[best]);
                at.add(t);
                sum += bestP;
                kept++;
            }
            previous = best;
        }
        return new Line(chars, at.stream().mapToInt(Integer::intValue).toArray(), kept == 0 ? 0 : sum / kept);
    }
}
