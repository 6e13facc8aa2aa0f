package io.omnistream.encoder.tower;

import static io.omnistream.encoder.tower.PlumbingOnnxFixture.AUDIO_FRAMES;
import static io.omnistream.encoder.tower.PlumbingOnnxFixture.IMAGE_NCHW;
import static io.omnistream.encoder.tower.PlumbingOnnxFixture.IMAGE_NCHW_DOUBLED;
import static io.omnistream.encoder.tower.PlumbingOnnxFixture.IMAGE_NHWC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.omnistream.encoder.model.EncoderSettings;
import io.omnistream.encoder.model.ExecutionProvider;
import io.omnistream.encoder.model.ModelLoadException;
import io.omnistream.encoder.model.ModelSource;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.encoder.tower.TensorInputSpec.Layout;
import io.omnistream.encoder.tower.TensorOutputSpec.OutputPooling;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NativeTower on real ONNX Runtime sessions over the PLUMBING FIXTURE graphs of {@link PlumbingOnnxFixture}: they
 * have no semantics, only fixed integer weights, so every expected vector below is worked out by hand from the
 * weights in make_plumbing_onnx.py and the pixel / feature values written here.
 *
 * <p>Image graphs: embedding = [mean_c0, mean_c1, mean_c2, mean_c0 + mean_c1 + mean_c2] (channel means over 8x8
 * pixels). Audio graph: frame t of [2 bins x 6 frames] becomes the token [bin0_t, bin1_t, bin0_t + bin1_t].
 */
class NativeTowerTest {
    private static final float TOLERANCE = 1e-6f;
    private static final ProviderMetrics METRICS = new ProviderMetrics(new PrometheusRegistry());
    private static final EncoderSettings CPU = EncoderSettings.defaults().withExecutionProvider(ExecutionProvider.CPU);
    private static final String NO_PREPROCESSING = "plumbing: values fed as written by the test";

    private static final TensorInputSpec NCHW_8 = TensorInputSpec.image("pixel_values", Layout.NCHW, 3, 8, 8);
    private static final TensorInputSpec NHWC_8 = TensorInputSpec.image("pixel_values", Layout.NHWC, 3, 8, 8);
    private static final TensorOutputSpec IMAGE_EMBEDS = new TensorOutputSpec("image_embeds", OutputPooling.NONE);
    private static final TensorInputSpec MEL_2x6 = TensorInputSpec.melFrames("input_features", 2, 6);

    /*
     * Image 0: channel 0 is 1.0 in rows 0-3 and 0.0 in rows 4-7 -> mean 0.5; channel 1 is 0.25 everywhere -> 0.25;
     *          channel 2 is 0 -> 0. Embedding [0.5, 0.25, 0, 0.75]; squared norm 0.25 + 0.0625 + 0 + 0.5625 = 0.875.
     * Image 1: channel 0 is 0; channel 1 is 1.0 everywhere -> 1; channel 2 is 2.0 in rows 0-1 (16 of 64 pixels)
     *          -> 0.5. Embedding [0, 1, 0.5, 1.5]; squared norm 0 + 1 + 0.25 + 2.25 = 3.5.
     */
    private static final float[][] EXPECTED_IMAGES = {
            unit(new double[] {0.5, 0.25, 0, 0.75}, 0.875),
            unit(new double[] {0, 1, 0.5, 1.5}, 3.5)};

    /** Per test, so that without Python every test is reported skipped with the reason (see PlumbingOnnxFixture). */
    @BeforeEach
    void requireFixtures() {
        PlumbingOnnxFixture.directory();
    }

    /** The hand-computed raw vector divided by the square root of its hand-computed squared norm. */
    private static float[] unit(double[] raw, double squaredNorm) {
        float[] v = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            v[i] = (float) (raw[i] / Math.sqrt(squaredNorm));
        }
        return v;
    }

    /** Pixel value of the two test images described above, by (image, channel, row, column). */
    private static float pixel(int image, int channel, int row, int column) {
        if (image == 0) {
            return switch (channel) {
                case 0 -> row < 4 ? 1.0f : 0.0f;
                case 1 -> 0.25f;
                default -> 0.0f;
            };
        }
        return switch (channel) {
            case 0 -> 0.0f;
            case 1 -> 1.0f;
            default -> row < 2 ? 2.0f : 0.0f;
        };
    }

    private static float[] twoImages(Layout layout) {
        float[] values = new float[2 * 3 * 8 * 8];
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        int index = layout == Layout.NCHW ? ((b * 3 + c) * 8 + y) * 8 + x : ((b * 8 + y) * 8 + x) * 3 + c;
                        values[index] = pixel(b, c, y, x);
                    }
                }
            }
        }
        return values;
    }

    private static ModelSource fixture(String fileName) {
        return ModelSource.parse(PlumbingOnnxFixture.path(fileName).toString(), null);
    }

    private static NativeTower image(String fileName, TensorInputSpec input, int dimension, String preprocessing) {
        return NativeTower.load("plumbing-image", fixture(fileName), input, IMAGE_EMBEDS, dimension, preprocessing, CPU, METRICS);
    }

    private static void assertVectors(float[][] actual, float[][] expected) {
        assertThat(actual).hasNumberOfRows(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("vector %d", i).containsExactly(expected[i], within(TOLERANCE));
        }
    }

    @Test
    void nchwBatchOfTwoGivesTheHandComputedUnitVectors() {
        try (NativeTower tower = image(IMAGE_NCHW, NCHW_8, 4, NO_PREPROCESSING)) {
            assertVectors(tower.encode(twoImages(Layout.NCHW), NCHW_8.shape(2)), EXPECTED_IMAGES);
            assertThat(tower.dimension()).isEqualTo(4);
            assertThat(tower.activeProvider()).isEqualTo(ExecutionProvider.CPU);
        }
    }

    @Test
    void eachItemIsEncodedIndependentlyOfItsBatch() {
        try (NativeTower tower = image(IMAGE_NCHW, NCHW_8, 4, NO_PREPROCESSING)) {
            float[] both = twoImages(Layout.NCHW);
            float[] secondOnly = java.util.Arrays.copyOfRange(both, NCHW_8.itemSize(), both.length);
            assertVectors(tower.encode(secondOnly, NCHW_8.shape(1)), new float[][] {EXPECTED_IMAGES[1]});
        }
    }

    @Test
    void nhwcGraphDeclaredNhwcGivesTheSameVectors() {
        try (NativeTower tower = image(IMAGE_NHWC, NHWC_8, 4, NO_PREPROCESSING)) {
            assertVectors(tower.encode(twoImages(Layout.NHWC), NHWC_8.shape(2)), EXPECTED_IMAGES);
        }
    }

    @Test
    void nhwcGraphDeclaredNchwFailsAtLoadWithBothShapesAndTheFix() {
        assertThatThrownBy(() -> image(IMAGE_NHWC, NCHW_8, 4, NO_PREPROCESSING))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tower 'plumbing-image' (model " + PlumbingOnnxFixture.path(IMAGE_NHWC) + ")")
                .hasMessageContaining("input 'pixel_values' is declared NCHW [batch, 3, 8, 8] but the ONNX graph has [-1, 8, 8, 3]")
                .hasMessageContaining("declare layout NHWC");
    }

    @Test
    void wrongImageSizeFailsAtLoad() {
        TensorInputSpec size16 = TensorInputSpec.image("pixel_values", Layout.NCHW, 3, 16, 16);

        assertThatThrownBy(() -> image(IMAGE_NCHW, size16, 4, NO_PREPROCESSING))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(PlumbingOnnxFixture.path(IMAGE_NCHW).toString())
                .hasMessageContaining("declared NCHW [batch, 3, 16, 16] but the ONNX graph has [-1, 3, 8, 8]");
    }

    @Test
    void wrongInputNameFailsAtLoadListingTheGraphInputs() {
        TensorInputSpec misnamed = TensorInputSpec.image("image", Layout.NCHW, 3, 8, 8);

        assertThatThrownBy(() -> image(IMAGE_NCHW, misnamed, 4, NO_PREPROCESSING))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("declares input 'image' but the ONNX graph's inputs are [pixel_values FLOAT [-1, 3, 8, 8]]");
    }

    @Test
    void dimensionMismatchFailsAtLoad() {
        assertThatThrownBy(() -> image(IMAGE_NCHW, NCHW_8, 5, NO_PREPROCESSING))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("dimension mismatch: the registry declares 5 but the ONNX output 'image_embeds' has 4");
    }

    @Test
    void wrongOutputNameOrPoolingFailsAtLoad() {
        ModelSource onnx = fixture(IMAGE_NCHW);
        assertThatThrownBy(() -> NativeTower.load("t", onnx, NCHW_8, new TensorOutputSpec("last_hidden_state", OutputPooling.NONE),
                4, NO_PREPROCESSING, CPU, METRICS))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("declares output 'last_hidden_state' but the ONNX graph's outputs are [image_embeds FLOAT [-1, 4]]");
        assertThatThrownBy(() -> NativeTower.load("t", onnx, NCHW_8, new TensorOutputSpec("image_embeds", OutputPooling.MEAN),
                4, NO_PREPROCESSING, CPU, METRICS))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("pooling MEAN reads [batch, tokens, dim]; declare pooling NONE");
    }

    @Test
    void batchWithTheWrongShapeOrValueCountIsRejected() {
        try (NativeTower tower = image(IMAGE_NCHW, NCHW_8, 4, NO_PREPROCESSING)) {
            float[] values = twoImages(Layout.NCHW);
            assertThatThrownBy(() -> tower.encode(values, new long[] {2, 8, 8, 3}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("input shape [2, 8, 8, 3] does not match the declared [batch, 3, 8, 8]");
            assertThatThrownBy(() -> tower.encode(values, NCHW_8.shape(3)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("384 values for shape [3, 3, 8, 8], expected 576");
            assertThat(tower.encode(new float[0], NCHW_8.shape(0))).isEmpty();
        }
    }

    /*
     * Audio features, [bin][frame]:
     *   item 0: bin0 = 0 1 2 3 4 5, bin1 = 1 1 1 1 1 1 -> tokens [t, 1, t + 1]
     *           MEAN = [2.5, 1, 3.5] (squared norm 6.25 + 1 + 12.25 = 19.5); CLS = token 0 = [0, 1, 1] (squared norm 2)
     *   item 1: bin0 = 2 2 2 2 2 2, bin1 = 0 0 0 0 0 6 -> tokens [2, 0, 2] x5 and [2, 6, 8]
     *           MEAN = [2, 1, 3] (squared norm 4 + 1 + 9 = 14); CLS = [2, 0, 2] (squared norm 8)
     */
    private static final float[] TWO_CLIPS = {
            0, 1, 2, 3, 4, 5,
            1, 1, 1, 1, 1, 1,
            2, 2, 2, 2, 2, 2,
            0, 0, 0, 0, 0, 6};

    private static NativeTower audio(OutputPooling pooling) {
        return NativeTower.load("plumbing-audio", fixture(AUDIO_FRAMES), MEL_2x6,
                new TensorOutputSpec("frame_states", pooling), 3, NO_PREPROCESSING, CPU, METRICS);
    }

    @Test
    void audioFramesMeanPooledGiveTheHandComputedUnitVectors() {
        try (NativeTower tower = audio(OutputPooling.MEAN)) {
            assertVectors(tower.encode(TWO_CLIPS, MEL_2x6.shape(2)), new float[][] {
                    unit(new double[] {2.5, 1, 3.5}, 19.5),
                    unit(new double[] {2, 1, 3}, 14)});
        }
    }

    @Test
    void audioFramesClsPooledTakeTheFirstFrame() {
        try (NativeTower tower = audio(OutputPooling.CLS)) {
            assertVectors(tower.encode(TWO_CLIPS, MEL_2x6.shape(2)), new float[][] {
                    unit(new double[] {0, 1, 1}, 2),
                    unit(new double[] {2, 0, 2}, 8)});
        }
    }

    @Test
    void tokenOutputDeclaredAsNoPoolingFailsAtLoad() {
        assertThatThrownBy(() -> audio(OutputPooling.NONE))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("output 'frame_states' has shape [-1, 6, 3] but pooling NONE reads [batch, dim]; "
                        + "declare pooling CLS or MEAN");
    }

    @Test
    void versionIsStableForTheSameChainAndChangesWithPreprocessing() {
        String version;
        try (NativeTower tower = image(IMAGE_NCHW, NCHW_8, 4, "mean=[0.5, 0.5, 0.5]")) {
            version = tower.version();
        }
        assertThat(version).matches("[0-9a-f]{12}");
        try (NativeTower same = image(IMAGE_NCHW, NCHW_8, 4, "mean=[0.5, 0.5, 0.5]");
             NativeTower otherPreprocessing = image(IMAGE_NCHW, NCHW_8, 4, "mean=[0.48, 0.5, 0.5]")) {
            assertThat(same.version()).isEqualTo(version);
            assertThat(otherPreprocessing.version()).isNotEqualTo(version);
        }
    }

    @Test
    void versionChangesWithTheOnnxBytesEvenWhenVectorsDoNot() {
        // The doubled graph's weights are 2x: the raw embeddings double, the unit vectors stay the same.
        try (NativeTower original = image(IMAGE_NCHW, NCHW_8, 4, NO_PREPROCESSING);
             NativeTower doubled = image(IMAGE_NCHW_DOUBLED, NCHW_8, 4, NO_PREPROCESSING)) {
            assertVectors(doubled.encode(twoImages(Layout.NCHW), NCHW_8.shape(2)), EXPECTED_IMAGES);
            assertThat(doubled.version()).isNotEqualTo(original.version());
        }
    }

    @Test
    void versionChangesWithTheOutputDeclaration() {
        try (NativeTower mean = audio(OutputPooling.MEAN); NativeTower cls = audio(OutputPooling.CLS)) {
            assertThat(mean.version()).isNotEqualTo(cls.version());
        }
    }

    @Test
    void classpathAndFileSourcesOfTheSameGraphAreTheSameVersion() throws IOException {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader fixtures = new URLClassLoader(new URL[] {PlumbingOnnxFixture.directory().toUri().toURL()}, previous)) {
            // ModelSource resolves classpath: resources through the context class loader.
            Thread.currentThread().setContextClassLoader(fixtures);
            ModelSource classpath = ModelSource.parse("classpath:" + IMAGE_NCHW, null);
            try (NativeTower fromClasspath = NativeTower.load("plumbing-image", classpath, NCHW_8, IMAGE_EMBEDS, 4,
                    NO_PREPROCESSING, CPU, METRICS);
                 NativeTower fromFile = image(IMAGE_NCHW, NCHW_8, 4, NO_PREPROCESSING)) {
                assertThat(fromClasspath.version()).isEqualTo(fromFile.version());
                assertVectors(fromClasspath.encode(twoImages(Layout.NCHW), NCHW_8.shape(2)), EXPECTED_IMAGES);
            }
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    @Test
    void autoProviderEndsOnARealProviderAndSaysWhyIfItFellBack() {
        try (NativeTower tower = NativeTower.load("plumbing-image-auto", fixture(IMAGE_NCHW), NCHW_8, IMAGE_EMBEDS, 4,
                NO_PREPROCESSING, EncoderSettings.defaults(), METRICS)) {
            assertThat(tower.activeProvider()).isIn(ExecutionProvider.CPU, ExecutionProvider.CUDA);
            assertThat(tower.fallbackReason().isPresent()).isEqualTo(tower.activeProvider() == ExecutionProvider.CPU);
            assertVectors(tower.encode(twoImages(Layout.NCHW), NCHW_8.shape(2)), EXPECTED_IMAGES);
        }
    }

    @Test
    void registryEntryLoadsEndToEndAndItsPreprocessingIsPartOfTheVersion() throws IOException {
        String entry = """
                kind: onnx
                onnx: %s
                input: {name: pixel_values, layout: NHWC, size: [8, 8], mean: [%s, 0.0, 0.0], std: [1.0, 1.0, 1.0], resize: STRETCH}
                output: {name: image_embeds, pooling: NONE}
                dimension: 4
                """;
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        TypeReference<Map<String, Object>> map = new TypeReference<>() {};
        TowerSpec zeroMean = TowerSpec.parse(yaml.readValue(entry.formatted(PlumbingOnnxFixture.path(IMAGE_NHWC), "0.0"), map));
        TowerSpec otherMean = TowerSpec.parse(yaml.readValue(entry.formatted(PlumbingOnnxFixture.path(IMAGE_NHWC), "0.1"), map));

        try (NativeTower a = NativeTower.load("clip-like/IMAGE", zeroMean, CPU, METRICS);
             NativeTower b = NativeTower.load("clip-like/IMAGE", otherMean, CPU, METRICS)) {
            assertVectors(a.encode(twoImages(Layout.NHWC), NHWC_8.shape(2)), EXPECTED_IMAGES);
            assertThat(a.version()).isNotEqualTo(b.version());
        }
    }
}
