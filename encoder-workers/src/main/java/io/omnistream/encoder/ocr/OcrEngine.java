package io.omnistream.encoder.ocr;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Reads the text in images: the recogniser behind the IMAGE, DOCUMENT and VIDEO cascades (Tesseract as a subprocess,
 * or PP-OCR on ONNX Runtime). Implementations are thread-safe.
 */
public interface OcrEngine {

    /** Everything that determines the output: engine, model fingerprints, settings. Part of the model version. */
    String version();

    /**
     * The text of each image, in order, one entry per image (blank when an image holds none). Engines that can, batch
     * the work of all the images of one call (a document's pages, a video's frames).
     *
     * @param what names the input in error messages, e.g. "document page"
     * @throws io.omnistream.runtime.error.PermanentFailureException for an image that can never be read
     * @throws RuntimeException for a failure of the engine itself (transient: the worker retries)
     */
    List<String> recognize(List<BufferedImage> images, String what);
}
