package io.omnistream.encoder.tower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.omnistream.encoder.model.ModelRegistryException;
import io.omnistream.encoder.tower.Preprocessing.Interpolation;
import io.omnistream.encoder.tower.Preprocessing.ResizeMode;
import io.omnistream.encoder.tower.TensorInputSpec.Layout;
import io.omnistream.encoder.tower.TensorOutputSpec.OutputPooling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Parsing and validation of the tower entry contract documented in TOWERS.md; no ONNX Runtime involved. */
class TowerSpecTest {
    /** The image example of TOWERS.md, with the ONNX path as a placeholder (parsing checks the file exists). */
    private static final String CLIP_IMAGE = """
            kind: onnx
            onnx: file:%s
            input: {name: pixel_values, layout: NCHW, size: [224, 224], mean: [0.4815, 0.4578, 0.4082], std: [0.2686, 0.2613, 0.2758], resize: SHORTER_THEN_CENTER_CROP}
            output: {name: image_embeds, pooling: NONE}
            dimension: 512
            """;
    private static final String WHISPER_AUDIO = """
            kind: onnx
            onnx: %s
            input: {name: input_features, layout: MEL_FRAMES, melBins: 80, frames: 3000, sampleRate: 16000, fftSize: 400, hopLength: 160}
            output: {name: last_hidden_state, pooling: MEAN}
            dimension: 512
            """;

    @TempDir
    Path dir;
    private Path onnx;

    @BeforeEach
    void createPlaceholderGraph() throws IOException {
        // Parsing only checks the artefact exists; its content is read by NativeTower.load.
        onnx = Files.writeString(dir.resolve("tower.onnx"), "not read by the parser");
    }

    /** The map a YAML library produces for the entry, as the registry would hand it over. */
    private static Map<String, Object> yaml(String text) {
        try {
            return new ObjectMapper(new YAMLFactory()).readValue(text, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, Object> clip() {
        return yaml(CLIP_IMAGE.formatted(onnx));
    }

    @Test
    void parsesTheDocumentedImageEntry() {
        TowerSpec spec = TowerSpec.parse(clip());

        assertThat(spec.onnx().filePath()).isEqualTo(onnx);
        assertThat(spec.input().name()).isEqualTo("pixel_values");
        assertThat(spec.input().layout()).isEqualTo(Layout.NCHW);
        assertThat(spec.input().itemShape()).containsExactly(3, 224, 224);
        assertThat(spec.input().shapeText()).isEqualTo("[batch, 3, 224, 224]");
        assertThat(spec.preprocessing()).isEqualTo(new Preprocessing.Image(List.of(0.4815, 0.4578, 0.4082),
                List.of(0.2686, 0.2613, 0.2758), ResizeMode.SHORTER_THEN_CENTER_CROP, Interpolation.BICUBIC));
        assertThat(spec.output()).isEqualTo(new TensorOutputSpec("image_embeds", OutputPooling.NONE));
        assertThat(spec.dimension()).isEqualTo(512);
    }

    @Test
    void nhwcPutsChannelsLast() {
        Map<String, Object> entry = clip();
        input(entry).put("layout", "nhwc");
        input(entry).put("size", List.of(384, 256));

        assertThat(TowerSpec.parse(entry).input().itemShape()).containsExactly(384, 256, 3);
    }

    @Test
    void clipLayoutsStackTheTowersFramesInFrontOfEachFrame() {
        Map<String, Object> entry = clip();
        input(entry).put("layout", "NTCHW");
        entry.put("frames", 16);
        TowerSpec ntchw = TowerSpec.parse(entry);
        assertThat(ntchw.input().itemShape()).containsExactly(16, 3, 224, 224);
        assertThat(ntchw.input().frameInput().itemShape()).containsExactly(3, 224, 224);
        assertThat(ntchw.input().frameInput().layout()).isEqualTo(Layout.NCHW);
        assertThat(ntchw.input().framesPerItem()).isEqualTo(16);

        input(entry).put("layout", "NTHWC");
        entry.remove("frames"); // the default, as VLM2Vec-V2 samples
        TowerSpec nthwc = TowerSpec.parse(entry);
        assertThat(nthwc.input().itemShape()).containsExactly(8, 224, 224, 3);
        assertThat(nthwc.input().frameInput().layout()).isEqualTo(Layout.NHWC);

        // built in code, the clip's frames must be the frames the tower samples
        assertThatThrownBy(() -> new TowerSpec(nthwc.onnx(), nthwc.input(), nthwc.preprocessing(), nthwc.output(),
                nthwc.dimension(), new TowerSpec.MediaSampling(4, 150, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the clip input has 8 frames but the tower samples 4");
    }

    @Test
    void grayscaleImageHasOneChannelAndOneMeanAndStd() {
        Map<String, Object> entry = clip();
        input(entry).put("channels", 1);
        input(entry).put("mean", List.of(0.5));
        input(entry).put("std", List.of(0.5));

        assertThat(TowerSpec.parse(entry).input().itemShape()).containsExactly(1, 224, 224);
    }

    @Test
    void parsesTheDocumentedAudioEntryWithARelativePath() {
        TowerSpec spec = TowerSpec.parse(yaml(WHISPER_AUDIO.formatted("tower.onnx")), "test.yaml: model 'w'", dir);

        assertThat(spec.onnx().filePath()).isEqualTo(onnx);
        assertThat(spec.input()).isEqualTo(TensorInputSpec.melFrames("input_features", 80, 3000));
        assertThat(spec.input().shapeText()).isEqualTo("[batch, 80, 3000]");
        assertThat(spec.preprocessing()).isEqualTo(new Preprocessing.LogMel(16000, 400, 160));
        assertThat(spec.output().pooling()).isEqualTo(OutputPooling.MEAN);
    }

    @Test
    void descriptorDependsOnValuesNotOnHowTheYamlSpellsThem() {
        Map<String, Object> spelledLonger = clip();
        input(spelledLonger).put("mean", List.of(0.48150, 0.45780, 0.40820));
        Map<String, Object> otherStd = clip();
        input(otherStd).put("std", List.of(0.5, 0.5, 0.5));

        String descriptor = TowerSpec.parse(clip()).preprocessingDescriptor();
        assertThat(TowerSpec.parse(spelledLonger).preprocessingDescriptor()).isEqualTo(descriptor);
        assertThat(TowerSpec.parse(otherStd).preprocessingDescriptor()).isNotEqualTo(descriptor);
        assertThat(descriptor).isEqualTo("image(scale=1/255; mean=[0.4815, 0.4578, 0.4082]; "
                + "std=[0.2686, 0.2613, 0.2758]; resize=SHORTER_THEN_CENTER_CROP; interpolation=BICUBIC)");
    }

    @Test
    void missingOnnxFileIsNamed() {
        Map<String, Object> entry = clip();
        entry.put("onnx", "file:" + dir.resolve("missing.onnx"));

        assertThatThrownBy(() -> TowerSpec.parse(entry, "models.yaml: model 'clip' tower IMAGE", null))
                .isInstanceOf(ModelRegistryException.class)
                .hasMessageStartingWith("models.yaml: model 'clip' tower IMAGE: 'onnx'")
                .hasMessageContaining("no such file: " + dir.resolve("missing.onnx"));
    }

    /** Each case edits the valid image entry in one place and names a fragment the error must contain. */
    static Stream<Arguments> invalidEntries() {
        return Stream.of(
                Arguments.of("kind missing", (Edit) e -> e.remove("kind"), "'kind' is missing"),
                Arguments.of("unsupported kind", (Edit) e -> e.put("kind", "pytorch"), "'kind' 'pytorch' is not supported; expected 'onnx'"),
                Arguments.of("typo at top level", (Edit) e -> e.put("dimensions", 512), "unknown field 'dimensions'"),
                Arguments.of("typo in input", (Edit) e -> input(e).put("means", List.of(0.5)), "unknown field 'input.means'"),
                Arguments.of("input not a map", (Edit) e -> e.put("input", "pixel_values"), "'input' must be a map"),
                Arguments.of("unknown layout", (Edit) e -> input(e).put("layout", "CHW"),
                        "'input.layout' 'CHW' is unknown; expected one of [NCHW, NHWC, MEL_FRAMES, NTCHW, NTHWC]"),
                Arguments.of("size with three values", (Edit) e -> input(e).put("size", List.of(3, 224, 224)),
                        "'input.size' must be a list of 2 values"),
                Arguments.of("fractional size", (Edit) e -> input(e).put("size", List.of(224.5, 224)),
                        "'input.size' must be a positive integer, got 224.5"),
                Arguments.of("zero size", (Edit) e -> input(e).put("size", List.of(0, 224)),
                        "'input.size' must be a positive integer, got 0"),
                Arguments.of("mean for two channels", (Edit) e -> input(e).put("mean", List.of(0.5, 0.5)),
                        "'input.mean' must be a list of 3 values"),
                Arguments.of("std not numbers", (Edit) e -> input(e).put("std", List.of("a", "b", "c")),
                        "'input.std' must be a list of numbers"),
                Arguments.of("zero std", (Edit) e -> input(e).put("std", List.of(0.2, 0.0, 0.2)),
                        "std values must be finite and > 0"),
                Arguments.of("resize missing", (Edit) e -> input(e).remove("resize"), "'input.resize' is missing"),
                Arguments.of("unknown interpolation", (Edit) e -> input(e).put("interpolation", "LANCZOS"),
                        "'input.interpolation' 'LANCZOS' is unknown; expected one of [BICUBIC, BILINEAR]"),
                Arguments.of("image keys on audio layout", (Edit) e -> input(e).put("layout", "MEL_FRAMES"),
                        "unknown field 'input.size'"),
                Arguments.of("output name missing", (Edit) e -> output(e).remove("name"), "'output.name' is missing"),
                Arguments.of("unknown pooling", (Edit) e -> output(e).put("pooling", "MAX"),
                        "'output.pooling' 'MAX' is unknown; expected one of [NONE, CLS, MEAN]"),
                Arguments.of("dimension missing", (Edit) e -> e.remove("dimension"), "'dimension' is missing"),
                Arguments.of("negative dimension", (Edit) e -> e.put("dimension", -512), "'dimension' must be a positive integer"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidEntries")
    void invalidEntryIsRejectedNamingTheFieldAndTheRule(String description, Edit edit, String expectedFragment) {
        Map<String, Object> entry = clip();
        edit.apply(entry);

        assertThatThrownBy(() -> TowerSpec.parse(entry, "models.yaml: model 'clip' tower IMAGE", null))
                .isInstanceOf(ModelRegistryException.class)
                .hasMessageStartingWith("models.yaml: model 'clip' tower IMAGE")
                .hasMessageContaining(expectedFragment);
    }

    @Test
    void audioEntryNeedsItsFrontEndSettings() {
        Map<String, Object> entry = yaml(WHISPER_AUDIO.formatted(onnx));
        input(entry).remove("hopLength");

        assertThatThrownBy(() -> TowerSpec.parse(entry))
                .isInstanceOf(ModelRegistryException.class)
                .hasMessageContaining("'input.hopLength' is missing");
    }

    @FunctionalInterface
    interface Edit {
        void apply(Map<String, Object> entry);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> input(Map<String, Object> entry) {
        return (Map<String, Object>) entry.get("input");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> output(Map<String, Object> entry) {
        return (Map<String, Object>) entry.get("output");
    }
}
