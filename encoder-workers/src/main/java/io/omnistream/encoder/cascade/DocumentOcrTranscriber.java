package io.omnistream.encoder.cascade;

import io.omnistream.encoder.ocr.OcrEngine;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.MediaEvent;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.graphics.PDXObject;
import org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

/**
 * DOCUMENT → text: renders the first {@code maxPages} pages of a PDF with PDFBox at {@code dpi} (a page is the
 * unit the recogniser sees) and OCRs the page images with the model's {@link OcrEngine}; the pages' texts are joined in page order.
 * The PDF's own text layer is deliberately not used: the cascade must read what a scanned page shows, the same way
 * for born-digital and scanned documents.
 *
 * <p>Budgets, so that a hostile file fails its own record (a permanent failure, dead-lettered with the reason) rather
 * than the worker: at most {@code maxPages} pages are rendered; a page whose rendered size would exceed
 * {@code maxPixels} is rejected before rendering; so is a page whose image XObjects (also inside form XObjects, to a
 * depth of {@value #MAX_FORM_DEPTH}) number more than {@code maxImages} or of which one would decode to more than
 * {@code maxPixels} pixels (checked from the image dictionaries, before anything is decoded); a document whose
 * cross-reference table lists more than {@code maxObjects} objects, or whose page tree counts more than
 * {@code maxDocumentPages} pages, is rejected right after loading (a 10,000-page file is a resource attack however few
 * of its pages would be rendered, not a document to embed by its first page); and loading plus
 * rendering of one document must finish within {@code renderTimeout}. Rendering runs on a daemon thread of its own;
 * PDFBox cannot be cancelled, so a document over the time budget leaves that thread running until PDFBox returns,
 * while the worker goes on with the next record (the poison-pill count of the stage runtime is the last line when a
 * file takes the whole process down). Not covered: inline images in content streams and images inside patterns.
 */
final class DocumentOcrTranscriber implements MediaTranscriber {
    /** How deep form XObjects are followed when image XObjects are counted. */
    static final int MAX_FORM_DEPTH = 8;

    /**
     * What one document may cost to render.
     *
     * @param maxPages      pages rendered (later pages are ignored)
     * @param maxPixels     largest rendered page and largest embedded image, in pixels
     * @param maxImages     most image XObjects on one page
     * @param renderTimeout longest time to load and render the document
     * @param maxObjects    most objects in the document's cross-reference table (counted after loading, before any
     *                      page is read: each object is parsed on demand, and a file of millions of tiny objects costs
     *                      memory and time however few pages it has)
     * @param maxDocumentPages most pages the document may have (its page tree's count, read after loading); not to be
     *                      confused with {@code maxPages}, the pages rendered
     */
    record Budget(int maxPages, long maxPixels, int maxImages, Duration renderTimeout, int maxObjects,
                  int maxDocumentPages) {
        static final int DEFAULT_MAX_IMAGES = 100;
        static final Duration DEFAULT_RENDER_TIMEOUT = Duration.ofSeconds(30);
        static final int DEFAULT_MAX_OBJECTS = 200_000;
        static final int DEFAULT_MAX_DOCUMENT_PAGES = 1_000;

        /** The budgets with the default page count budget, {@link #DEFAULT_MAX_DOCUMENT_PAGES}. */
        Budget(int maxPages, long maxPixels, int maxImages, Duration renderTimeout, int maxObjects) {
            this(maxPages, maxPixels, maxImages, renderTimeout, maxObjects, DEFAULT_MAX_DOCUMENT_PAGES);
        }

        /** The budgets without an object or page count budget of their own: the defaults. */
        Budget(int maxPages, long maxPixels, int maxImages, Duration renderTimeout) {
            this(maxPages, maxPixels, maxImages, renderTimeout, DEFAULT_MAX_OBJECTS);
        }

        /** {@code maxPages} and {@code maxPixels} with the default image count, time, object and page count budgets. */
        static Budget of(int maxPages, long maxPixels) {
            return new Budget(maxPages, maxPixels, DEFAULT_MAX_IMAGES, DEFAULT_RENDER_TIMEOUT, DEFAULT_MAX_OBJECTS);
        }
    }

    private final OcrEngine ocr;
    private final int dpi;
    private final Budget budget;

    DocumentOcrTranscriber(OcrEngine ocr, int dpi, Budget budget) {
        this.ocr = ocr;
        this.dpi = dpi;
        this.budget = budget;
    }

    @Override
    public Recognition<BufferedImage> decode(MediaEvent event, StageTimes times) {
        byte[] pdf = MediaPayload.bytes(event);
        List<BufferedImage> rendered = times.decode(() -> render(pdf, dpi, budget));
        // all pages in one call (with other events' images when batched): an engine that batches (PP-OCR)
        // recognises the lines of every page together
        return new Recognition<>(ocr, ocr::recognize, rendered, Recognition.pixels(rendered), "document page",
                pages -> String.join(" ", pages).strip(), () -> { });
    }

    @Override
    public String version() {
        return "pdf-ocr(pdfbox " + org.apache.pdfbox.util.Version.getVersion() + ", dpi=" + dpi + ", maxPages="
                + budget.maxPages() + ", " + ocr.version() + ")";
    }

    /**
     * The first {@code maxPages} pages of a PDF rendered at {@code dpi}, RGB, within the budget's time.
     *
     * @throws PermanentFailureException when the bytes are no readable PDF or the document is over a budget
     */
    public static List<BufferedImage> render(byte[] pdf, int dpi, Budget budget) {
        FutureTask<List<BufferedImage>> task = new FutureTask<>(() -> renderPages(pdf, dpi, budget));
        Thread renderer = new Thread(task, "pdf-render");
        renderer.setDaemon(true);
        renderer.start();
        try {
            return task.get(budget.renderTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new PermanentFailureException("preprocess", "document: rendering " + pdf.length + " bytes took longer "
                    + "than the budget of " + budget.renderTimeout().toSeconds() + " s");
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering a PDF", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof StackOverflowError deep) {
                // PDFBox follows references recursively: a hostile chain of objects overflows the render thread's
                // stack (found by DocumentRenderFuzzTest); that thread ends, the worker's are untouched
                throw new PermanentFailureException("preprocess", "document: " + pdf.length + " bytes of PDF nest "
                        + "objects too deeply for PDFBox (stack overflow)", deep);
            }
            if (e.getCause() instanceof OutOfMemoryError oom) {
                // one document's pages did not fit in the heap; the worker's other records still do
                throw new PermanentFailureException("preprocess", "document: rendering ran out of memory: " + oom.getMessage(), oom);
            }
            throw new IllegalStateException("rendering a PDF failed: " + e.getCause(), e.getCause());
        }
    }

    private static List<BufferedImage> renderPages(byte[] pdf, int dpi, Budget budget) {
        int maxPages = budget.maxPages();
        long maxPixels = budget.maxPixels();
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            int objects = doc.getDocument().getXrefTable().size();
            if (objects > budget.maxObjects()) {
                throw new PermanentFailureException("preprocess", "document: the PDF declares " + objects
                        + " objects in its cross-reference table, over the budget of " + budget.maxObjects());
            }
            int count = doc.getNumberOfPages();
            if (count == 0) {
                throw new PermanentFailureException("preprocess", "document: the PDF has no pages");
            }
            if (count > budget.maxDocumentPages()) {
                throw new PermanentFailureException("preprocess", "document: the PDF has " + count
                        + " pages, over the budget of " + budget.maxDocumentPages() + " pages per document");
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
                checkImages(doc.getPage(i).getResources(), i + 1, budget, new int[1], 0, new HashSet<>());
                out.add(renderer.renderImageWithDPI(i, dpi, ImageType.RGB));
            }
            return out;
        } catch (InvalidPasswordException e) {
            throw new PermanentFailureException("preprocess", "document: the PDF is encrypted", e);
        } catch (IOException e) {
            throw new PermanentFailureException("preprocess", "document: cannot read " + pdf.length
                    + " bytes as PDF: " + e.getMessage(), e);
        } catch (PermanentFailureException e) {
            throw e;
        } catch (RuntimeException e) {
            // PDFBox also reports broken structure unchecked, e.g. IllegalStateException "1-based index not found" for a
            // page tree whose /Count promises pages its /Kids lack (found by DocumentRenderFuzzTest); unlike an
            // IOException that would read as a transient failure and be retried forever
            throw new PermanentFailureException("preprocess", "document: PDFBox cannot process " + pdf.length
                    + " bytes as PDF: " + e, e);
        }
    }

    /**
     * Counts the image XObjects of {@code resources} (following form XObjects) into {@code images[0]} and rejects the
     * page when there are more than the budget allows or one of them is larger than {@code maxPixels}; reads only the
     * XObjects' dictionaries.
     */
    static void checkImages(PDResources resources, int page, Budget budget, int[] images, int depth, Set<COSBase> seen)
            throws IOException {
        if (resources == null || depth > MAX_FORM_DEPTH) {
            return;
        }
        for (COSName name : resources.getXObjectNames()) {
            COSBase ref = resources.getCOSObject().getCOSDictionary(COSName.XOBJECT).getDictionaryObject(name);
            if (ref == null || !seen.add(ref)) {
                continue; // the same XObject drawn again costs no second decode
            }
            PDXObject x = resources.getXObject(name);
            if (x instanceof PDImageXObject image) {
                long pixels = (long) image.getWidth() * image.getHeight();
                if (pixels > budget.maxPixels()) {
                    throw new PermanentFailureException("preprocess", "document: page " + page + " holds an image of "
                            + image.getWidth() + "x" + image.getHeight() + " pixels, over the limit of " + budget.maxPixels());
                }
                if (++images[0] > budget.maxImages()) {
                    throw new PermanentFailureException("preprocess", "document: page " + page + " holds more than "
                            + budget.maxImages() + " images");
                }
            } else if (x instanceof PDFormXObject form) {
                checkImages(form.getResources(), page, budget, images, depth + 1, seen);
            }
        }
    }
}
