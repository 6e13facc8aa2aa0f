package io.omnistream.encoder.cascade;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.omnistream.runtime.error.PermanentFailureException;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;

/**
 * Fuzzes the PDF half of {@link DocumentOcrTranscriber}: {@link DocumentOcrTranscriber#render} (PDFBox load, the
 * page-count, page-pixel, image-count, image-pixel and time budgets, rendering) on arbitrary bytes. Tesseract is not
 * run: OCR gets the rendered pages, which this test checks instead.
 *
 * <p>Invariant: at most {@code maxPages} rendered pages, or {@link PermanentFailureException} with stage
 * {@code preprocess}. Any other exception (an {@link IllegalStateException} from an {@link Error} on the render
 * thread would be retried forever as a transient failure), a hang past the render budget (libFuzzer
 * {@code -timeout}) or an OutOfMemoryError that escapes is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the seeds (small PDFs: a text page with a SciFact title, a page
 * drawing a Tux Paint stamp through a form XObject) and regression inputs under
 * {@code src/test/resources/io/omnistream/encoder/cascade/DocumentRenderFuzzTestInputs/render/}.
 */
class DocumentRenderFuzzTest {
    /** Low resolution and small budgets keep one run cheap; the checks are the ones a worker makes. */
    static final int DPI = 36;
    static final DocumentOcrTranscriber.Budget BUDGET =
            new DocumentOcrTranscriber.Budget(2, 250_000, 20, Duration.ofSeconds(10));

    @FuzzTest
    void render(byte[] pdf) {
        List<BufferedImage> pages;
        try {
            pages = DocumentOcrTranscriber.render(pdf, DPI, BUDGET);
        } catch (PermanentFailureException e) {
            assertThat(e.stage()).isEqualTo("preprocess");
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(pages).isNotEmpty().hasSizeLessThanOrEqualTo(BUDGET.maxPages());
        for (BufferedImage page : pages) {
            assertThat(page.getWidth()).isPositive();
            assertThat(page.getHeight()).isPositive();
        }
    }
}
