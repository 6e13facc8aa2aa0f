package io.omnistream.encoder.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.error.PermanentFailureException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.junit.jupiter.api.Test;

/** The render budgets on PDFs made with PDFBox: what a hostile file could exceed fails the record, nothing else. */
class DocumentOcrTranscriberTest {
    private static final Duration GENEROUS = Duration.ofMinutes(2);

    /** A 100x100 pt page drawing {@code count} distinct images of {@code side}x{@code side} pixels. */
    private static byte[] pdfWithImages(int count, int side) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage(new PDRectangle(100, 100));
            doc.addPage(page);
            try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                for (int i = 0; i < count; i++) {
                    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
                    img.setRGB(i % side, 0, 0xFFFFFF); // distinct content: PDFBox does not share equal images
                    PDImageXObject x = LosslessFactory.createFromImage(doc, img);
                    cs.drawImage(x, i, i, 10, 10);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }

    @Test
    void aDocumentWithinEveryBudgetRenders() throws IOException {
        List<BufferedImage> pages = DocumentOcrTranscriber.render(pdfWithImages(3, 50), 72,
                new DocumentOcrTranscriber.Budget(2, 30_000, 3, GENEROUS));
        assertThat(pages).singleElement().satisfies(p -> {
            assertThat(p.getWidth()).isEqualTo(100);
            assertThat(p.getHeight()).isEqualTo(100);
        });
    }

    @Test
    void anEmbeddedImageLargerThanThePixelBudgetIsRejectedBeforeItIsDecoded() throws IOException {
        // the page renders to 100x100 = 10,000 pixels, within budget; the image inside it would decode to 40,000
        assertThatThrownBy(() -> DocumentOcrTranscriber.render(pdfWithImages(1, 200), 72,
                new DocumentOcrTranscriber.Budget(2, 30_000, 100, GENEROUS)))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("page 1 holds an image of 200x200 pixels, over the limit of 30000");
    }

    @Test
    void aPageWithMoreImagesThanTheBudgetIsRejected() throws IOException {
        assertThatThrownBy(() -> DocumentOcrTranscriber.render(pdfWithImages(4, 20), 72,
                new DocumentOcrTranscriber.Budget(2, 30_000, 3, GENEROUS)))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("page 1 holds more than 3 images");
    }

    @Test
    void aDocumentOverTheTimeBudgetFailsItsRecordAndTheCallerGoesOn() throws IOException {
        byte[] pdf = pdfWithImages(1, 20);
        // a budget of zero no document can meet: the caller gets the record's failure instead of waiting
        assertThatThrownBy(() -> DocumentOcrTranscriber.render(pdf, 72,
                new DocumentOcrTranscriber.Budget(2, 30_000, 100, Duration.ZERO)))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("took longer than the budget of 0 s");
        assertThat(DocumentOcrTranscriber.render(pdf, 72, new DocumentOcrTranscriber.Budget(2, 30_000, 100, GENEROUS)))
                .hasSize(1);
    }

    /** {@code count} blank 100x100 pt pages. */
    private static byte[] blankPages(int count) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            for (int i = 0; i < count; i++) {
                doc.addPage(new PDPage(new PDRectangle(100, 100)));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }

    @Test
    void aDocumentWithMorePagesThanThePageCountBudgetIsRejectedThoughOnlyItsFirstPagesWouldBeRendered() throws IOException {
        DocumentOcrTranscriber.Budget fivePages = new DocumentOcrTranscriber.Budget(2, 30_000, 100, GENEROUS, 1_000, 5);
        assertThat(DocumentOcrTranscriber.render(blankPages(5), 72, fivePages)).hasSize(2);
        assertThatThrownBy(() -> DocumentOcrTranscriber.render(blankPages(6), 72, fivePages))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("document: the PDF has 6 pages, over the budget of 5 pages per document");
    }

    @Test
    void tenThousandPagesAreOverTheDefaultPageCountBudget() throws IOException {
        assertThat(DocumentOcrTranscriber.Budget.of(2, 30_000).maxDocumentPages()).isEqualTo(1_000);
        assertThatThrownBy(() -> DocumentOcrTranscriber.render(blankPages(10_000), 72, DocumentOcrTranscriber.Budget.of(2, 30_000)))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("the PDF has 10000 pages, over the budget of 1000 pages per document");
    }

    @Test
    void bytesThatAreNoPdfAreAPermanentFailureOfTheRecord() {
        assertThatThrownBy(() -> DocumentOcrTranscriber.render("not a pdf".getBytes(), 72,
                DocumentOcrTranscriber.Budget.of(2, 30_000)))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("cannot read 9 bytes as PDF");
    }

    @Test
    void aPageTreeThatPromisesPagesItLacksIsAPermanentFailureNotATransientOne() throws IOException {
        // a PDFBox document whose page tree says /Count 1 over no /Kids: PDFBox throws IllegalStateException
        // ("1-based index not found"), which the failure classifier would take for transient (found by
        // DocumentRenderFuzzTest)
        byte[] pdf;
        try (PDDocument doc = new PDDocument()) {
            doc.addPage(new PDPage(new PDRectangle(100, 100)));
            doc.getPages().getCOSObject().setItem(org.apache.pdfbox.cos.COSName.KIDS, new org.apache.pdfbox.cos.COSArray());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            pdf = out.toByteArray();
        }
        assertThatThrownBy(() -> DocumentOcrTranscriber.render(pdf, 72, DocumentOcrTranscriber.Budget.of(2, 30_000)))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("document: PDFBox cannot process " + pdf.length + " bytes as PDF")
                .hasMessageContaining("1-based index not found");
    }

    @Test
    void objectsNestedTooDeeplyForPdfboxAreAPermanentFailureNotATransientOne() throws IOException {
        // found by DocumentRenderFuzzTest: PDFBox's parser recursed through its objects until the stack overflowed
        byte[] pdf;
        try (var in = getClass().getResourceAsStream("DocumentRenderFuzzTestInputs/render/crash-stack-overflow-nested-objects.pdf")) {
            pdf = in.readAllBytes();
        }
        assertThatThrownBy(() -> DocumentOcrTranscriber.render(pdf, 72, DocumentOcrTranscriber.Budget.of(2, 30_000)))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("document: " + pdf.length + " bytes of PDF nest objects too deeply for PDFBox (stack overflow)")
                .hasCauseInstanceOf(StackOverflowError.class);
    }
}
