package io.omnistream.encoder.ocr;

import java.util.List;

/**
 * Joins recognised lines into one text the way the Tesseract cascade normalises its output (so both recognisers feed
 * the text tower the same shape of prose): lines joined, words hyphenated across a line break re-joined
 * ("tuber-" + "culosis" → "tuberculosis"), runs of whitespace collapsed to one space, ends stripped.
 */
public final class OcrText {
    private OcrText() {}

    static String join(List<String> lines) {
        return normalise(String.join("\n", lines));
    }

    /** Recognised text with its line breaks (and form feeds between pages) as prose: the one normalisation of OCR output. */
    public static String normalise(String text) {
        return text.replace('\f', '\n')
                .replaceAll("(\\p{L})-\\s*\\n\\s*(\\p{Ll})", "$1$2")
                .replaceAll("\\s+", " ")
                .strip();
    }
}
