package io.omnistream.encoder.ocr;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Reads the text of images (document pages, video frames, pictures) in-process.
 *
 * <p>Implementations are thread-safe. The text of an image is its lines in reading order (top to bottom, then left
 * to right), normalised like the Tesseract cascade's: whitespace collapsed to single spaces, words hyphenated across
 * a line break re-joined; an image without readable text gives {@code ""}.
 */
public interface OcrEngine {
    /**
     * Everything that determines the output: model fingerprints and the settings that change the text. Two engines
     * with the same version return the same text for the same call.
     */
    String version();

    /**
     * Recognises every image of one call; the work is batched across the images (recognition runs on the text lines
     * of all of them together).
     *
     * @param images the images, none null
     * @param what   what the images are, for error messages (e.g. {@code "pdf page 3"}, {@code "video frames"})
     * @return one text per image, in the order of {@code images}
     * @throws io.omnistream.runtime.error.PermanentFailureException (stage {@code preprocess}) for an image that can
     *         never be read (empty or unreadable raster): retrying cannot help
     * @throws RuntimeException if the engine fails (ONNX Runtime or device error): transient
     */
    List<String> recognize(List<BufferedImage> images, String what);
}
