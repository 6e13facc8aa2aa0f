package io.omnistream.encoder.cascade;

import io.omnistream.encoder.ocr.OcrEngine;
import io.omnistream.encoder.ocr.OcrText;
import io.omnistream.runtime.error.PermanentFailureException;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Tesseract OCR through its CLI ({@code tesseract stdin stdout -l LANG --psm N}), fed PNG bytes on stdin. Output is
 * normalised: lines joined with single spaces, runs of whitespace collapsed, words hyphenated across a line break
 * re-joined ("tuber-\ncu" → "tubercu"), so the text tower sees prose rather than layout. One process per image: the
 * images of a call run one after the other (Tesseract has no batch mode; PNG encoding counts as recognition time).
 */
final class TesseractOcr implements OcrEngine {
    private static final int MAX_OUTPUT_BYTES = 4 << 20;

    private final String binary;
    private final String language;
    private final int pageSegmentation;
    private final Duration timeout;
    private final String version;

    TesseractOcr(String binary, String language, int pageSegmentation, Duration timeout) {
        this.binary = binary;
        this.language = language;
        this.pageSegmentation = pageSegmentation;
        this.timeout = timeout;
        this.version = ExternalTool.versionLine(List.of(binary, "--version")) + " lang=" + language + " psm="
                + pageSegmentation;
    }

    /** e.g. {@code tesseract 5.3.0 lang=eng psm=3}. */
    @Override
    public String version() {
        return version;
    }

    @Override
    public List<String> recognize(List<BufferedImage> images, String what) {
        List<String> texts = new ArrayList<>(images.size());
        for (BufferedImage image : images) {
            String where = images.size() == 1 ? what : what + " " + (texts.size() + 1);
            texts.add(recognize(ImageOcrTranscriber.png(image), where));
        }
        return texts;
    }

    /** Text in a PNG image; blank when there is none. */
    String recognize(byte[] png, String what) {
        ExternalTool.Result r = ExternalTool.run(List.of(binary, "stdin", "stdout", "-l", language, "--psm",
                Integer.toString(pageSegmentation)), png, timeout, MAX_OUTPUT_BYTES);
        if (r.exitCode() != 0) {
            throw new PermanentFailureException("preprocess", what + ": tesseract exited " + r.exitCode() + ": "
                    + r.stderrLastLine());
        }
        return normalise(r.stdoutText());
    }

    static String normalise(String ocr) {
        return OcrText.normalise(ocr);
    }
}
