package io.omnistream.encoder.cascade;

import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.MediaEvent;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

/**
 * DOCUMENT → text: renders the first {@code maxPages} pages of a PDF with PDFBox at {@code dpi} (a page is the
 * unit the recogniser sees) and OCRs each page image with Tesseract; the pages' texts are joined in page order.
 * The PDF's own text layer is deliberately not used: the cascade must read what a scanned page shows, the same way
 * for born-digital and scanned documents. A page whose rendered size would exceed {@code maxPixels} is rejected
 * before rendering.
 */
final class DocumentOcrTranscriber implements MediaTranscriber {
    private final TesseractOcr ocr;
    private final int dpi;
    private final int maxPages;
    private final long maxPixels;

    DocumentOcrTranscriber(TesseractOcr ocr, int dpi, int maxPages, long maxPixels) {
        this.ocr = ocr;
        this.dpi = dpi;
        this.maxPages = maxPages;
        this.maxPixels = maxPixels;
    }

    @Override
    public String transcribe(MediaEvent event, StageTimes times) {
        byte[] pdf = MediaPayload.bytes(event);
        List<String> pages = new ArrayList<>();
        for (BufferedImage page : times.decode(() -> render(pdf, dpi, maxPages, maxPixels))) {
            byte[] png = times.decode(() -> ImageOcrTranscriber.png(page));
            String where = "document page " + (pages.size() + 1);
            pages.add(times.recognise(() -> ocr.recognize(png, where)));
        }
        return String.join(" ", pages).strip();
    }

    @Override
    public String version() {
        return "pdf-ocr(pdfbox " + org.apache.pdfbox.util.Version.getVersion() + ", dpi=" + dpi + ", maxPages="
                + maxPages + ", " + ocr.version() + ")";
    }

    /** The first {@code maxPages} pages of a PDF rendered at {@code dpi}, RGB. */
    public static List<BufferedImage> render(byte[] pdf, int dpi, int maxPages, long maxPixels) {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            int count = doc.getNumberOfPages();
            if (count == 0) {
                throw new PermanentFailureException("preprocess", "document: the PDF has no pages");
            }
            PDFRenderer renderer = new PDFRenderer(doc);
            List<BufferedImage> out = new ArrayList<>();
            for (int i = 0; i < Math.min(count, maxPages); i++) {
                PDRectangle box = doc.getPage(i).getMediaBox();
                long pixels = Math.round(box.getWidth() * dpi / 72.0) * Math.round(box.getHeight() * dpi / 72.0);
                if (pixels > maxPixels) {
                    throw new PermanentFailureException("preprocess", "document: page " + (i + 1) + " at " + dpi
                            + " dpi would be " + pixels + " pixels, over the limit of " + maxPixels);
                }
                out.add(renderer.renderImageWithDPI(i, dpi, ImageType.RGB));
            }
            return out;
        } catch (InvalidPasswordException e) {
            throw new PermanentFailureException("preprocess", "document: the PDF is encrypted", e);
        } catch (IOException e) {
            throw new PermanentFailureException("preprocess", "document: cannot read " + pdf.length
                    + " bytes as PDF: " + e.getMessage(), e);
        }
    }
}
