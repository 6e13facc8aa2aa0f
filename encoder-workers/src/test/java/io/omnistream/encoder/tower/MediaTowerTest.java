package io.omnistream.encoder.tower;

import static io.omnistream.encoder.tower.PlumbingOnnxFixture.AUDIO_FRAMES;
import static io.omnistream.encoder.tower.PlumbingOnnxFixture.IMAGE_NCHW;
import static io.omnistream.encoder.tower.PlumbingOnnxFixture.VIDEO_NTCHW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.omnistream.encoder.cascade.MediaTower;
import io.omnistream.encoder.cascade.StageTimes;
import io.omnistream.encoder.model.EncoderSettings;
import io.omnistream.encoder.model.ExecutionProvider;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native towers on raw media, end to end through the preprocessing: PLUMBING FIXTURE graphs (fixed integer weights,
 * no semantics; see fixtures/make_plumbing_onnx.py) whose output can be worked out by hand from the input colours.
 * The image graph returns [mean R, mean G, mean B, R + G + B] of the normalised pixels, then L2.
 */
class MediaTowerTest {
    private static final ProviderMetrics METRICS = new ProviderMetrics(new PrometheusRegistry());
    private static final EncoderSettings CPU = EncoderSettings.defaults().withExecutionProvider(ExecutionProvider.CPU);
    private static final String IMAGE_TOWER = """
            kind: onnx
            onnx: %s
            input: {name: pixel_values, layout: NCHW, size: [8, 8], mean: [0.0, 0.0, 0.0], std: [1.0, 1.0, 1.0], resize: STRETCH}
            output: {name: image_embeds, pooling: NONE}
            dimension: 4
            frames: 4
            """;

    @TempDir
    Path dir;

    @Test
    void anImageBecomesTheVectorOfItsMeanColour() throws Exception {
        try (MediaTower tower = tower(Modality.IMAGE, IMAGE_TOWER.formatted(PlumbingOnnxFixture.path(IMAGE_NCHW)))) {
            // solid (255, 0, 51): normalised (1, 0, 0.2) -> [1, 0, 0.2, 1.2] / sqrt(2.48) = [0.635001, 0, 0.127000, 0.762001]
            float[] v = embed(tower, Modality.IMAGE, png(new Color(255, 0, 51), 20, 10));
            assertThat(v).containsExactly(new float[] {0.635001f, 0f, 0.127000f, 0.762001f}, within(1e-5f));
            assertThat(tower.version()).contains(io.omnistream.encoder.media.ImageTensors.IMPLEMENTATION);

            assertThatThrownBy(() -> embed(tower, Modality.IMAGE, "not an image".getBytes()))
                    .isInstanceOf(PermanentFailureException.class).hasMessageContaining("image");
        }
    }

    @Test
    void aDocumentPageIsRenderedAndEmbeddedAsAnImage() throws Exception {
        try (MediaTower tower = tower(Modality.DOCUMENT, IMAGE_TOWER.formatted(PlumbingOnnxFixture.path(IMAGE_NCHW)));
             PDDocument pdf = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            pdf.addPage(new PDPage());
            pdf.save(out);
            // a blank page renders white: (1, 1, 1) -> [1, 1, 1, 3] / sqrt(12) = [0.288675 x 3, 0.866025]
            float[] v = embed(tower, Modality.DOCUMENT, out.toByteArray());
            assertThat(v).containsExactly(new float[] {0.288675f, 0.288675f, 0.288675f, 0.866025f}, within(1e-5f));
        }
    }

    @Test
    void aVideoIsTheMeanOfItsSampledFrames() throws Exception {
        Assumptions.assumeTrue(onPath("ffmpeg") && onPath("ffprobe"), "ffmpeg not installed (scripts/install-media-tools.sh)");
        try (MediaTower tower = tower(Modality.VIDEO, IMAGE_TOWER.formatted(PlumbingOnnxFixture.path(IMAGE_NCHW)))) {
            // red frames: [1,0,0,1]/sqrt2, blue: [0,0,1,1]/sqrt2; their mean [0.5,0,0.5,1]/sqrt2, renormalised:
            // [0.5, 0, 0.5, 1] / sqrt(1.5) = [0.408248, 0, 0.408248, 0.816497] (lossless H.264: colours exact to ~1/255)
            float[] expected = {0.408248f, 0f, 0.408248f, 0.816497f};
            assertThat(embed(tower, Modality.VIDEO, twoColourVideo("red", "blue"))).containsExactly(expected, within(0.01f));
            // a mean does not know the order of the frames
            assertThat(embed(tower, Modality.VIDEO, twoColourVideo("blue", "red"))).containsExactly(expected, within(0.01f));
            assertThat(tower.version()).contains("pooling=MEAN");
        }
    }

    @Test
    void aClipTowerGetsTheSampledFramesInTimeOrderAsOneInput() throws Exception {
        Assumptions.assumeTrue(onPath("ffmpeg") && onPath("ffprobe"), "ffmpeg not installed (scripts/install-media-tools.sh)");
        String clipTower = """
                kind: onnx
                onnx: %s
                input: {name: pixel_values, layout: NTCHW, size: [8, 8], mean: [0.0, 0.0, 0.0], std: [1.0, 1.0, 1.0], resize: STRETCH}
                output: {name: video_embeds, pooling: NONE}
                dimension: 4
                frames: 4
                """.formatted(PlumbingOnnxFixture.path(VIDEO_NTCHW));
        try (MediaTower tower = tower(Modality.VIDEO, clipTower)) {
            // the clip graph returns [sum R, sum G, sum B, R_0 + R_1 - R_2 - R_3] over the 4 frames' mean colours
            // red, red, blue, blue: [2, 0, 2, 2] / sqrt(12) = [0.577350, 0, 0.577350, 0.577350]
            assertThat(embed(tower, Modality.VIDEO, twoColourVideo("red", "blue")))
                    .containsExactly(new float[] {0.577350f, 0f, 0.577350f, 0.577350f}, within(0.01f));
            // blue, blue, red, red: [2, 0, 2, -2] / sqrt(12): the order reached the model
            assertThat(embed(tower, Modality.VIDEO, twoColourVideo("blue", "red")))
                    .containsExactly(new float[] {0.577350f, 0f, 0.577350f, -0.577350f}, within(0.01f));
            assertThat(tower.version()).contains("pooling=MULTI_FRAME");
        }
        // a clip is not an image: an IMAGE or DOCUMENT tower with a clip layout is refused when the worker starts
        TowerSpec spec = TowerSpec.parse(new ObjectMapper(new YAMLFactory()).readValue(clipTower, new TypeReference<>() {}));
        assertThat(spec.input().shape(2)).containsExactly(2, 4, 3, 8, 8);
        try (NativeTower clipTowerGraph = NativeTower.load("plumbing/clip", spec, CPU, METRICS)) {
            assertThatThrownBy(() -> new MediaTower(Modality.IMAGE, spec, clipTowerGraph))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IMAGE tower needs an image input layout");
        }
    }

    /** 2 s of one colour then 2 s of another, lossless H.264; 4 frames sampled at 0.5, 1.5, 2.5, 3.5 s: 2 + 2. */
    private byte[] twoColourVideo(String first, String second) throws Exception {
        Path video = dir.resolve(first + "-then-" + second + ".mp4");
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=" + first + ":s=64x64:d=2:r=10",
                "-f", "lavfi", "-i", "color=c=" + second + ":s=64x64:d=2:r=10", "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]",
                "-map", "[v]", "-c:v", "libx264", "-pix_fmt", "yuv444p", "-qp", "0", video.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
        return Files.readAllBytes(video);
    }

    @Test
    void audioGoesThroughTheLogMelIntoAMelFramesTower() throws Exception {
        Assumptions.assumeTrue(onPath("ffmpeg") && onPath("ffprobe"), "ffmpeg not installed (scripts/install-media-tools.sh)");
        Path data = Path.of(System.getProperty("omnistream.shared.dir", "../../shared")).resolve("data");
        Path fsdd;
        try (var files = Files.walk(data)) {
            fsdd = files.filter(f -> f.toString().endsWith(".wav") && f.toString().contains("fsdd")).findFirst().orElse(null);
        }
        Assumptions.assumeTrue(fsdd != null, "no FSDD recording under " + data);
        String entry = """
                kind: onnx
                onnx: %s
                input: {name: input_features, layout: MEL_FRAMES, melBins: 2, frames: 6, sampleRate: 8000, fftSize: 256, hopLength: 128}
                output: {name: frame_states, pooling: MEAN}
                dimension: 3
                """.formatted(PlumbingOnnxFixture.path(AUDIO_FRAMES));
        try (MediaTower tower = tower(Modality.AUDIO, entry)) {
            float[] v = embed(tower, Modality.AUDIO, Files.readAllBytes(fsdd));
            // the graph maps each frame to [bin0, bin1, bin0 + bin1]; the mean over frames keeps that relation
            assertThat(v).hasSize(3);
            assertThat(v[2]).isCloseTo(v[0] + v[1], within(1e-5f));
            assertThat(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).isCloseTo(1f, within(1e-5f));
            assertThat(tower.version()).contains(io.omnistream.encoder.media.LogMelSpectrogram.IMPLEMENTATION);
        }
    }

    private static float[] embed(MediaTower tower, Modality modality, byte[] media) {
        MediaEvent event = MediaEvent.newBuilder().setContentId("c").setModality(modality)
                .setPayload(ByteBuffer.wrap(media)).setEventTimeMs(1L).build();
        MediaTower.Items items = tower.prepare(event, new StageTimes());
        // a batch of two events: the second must not leak into the first (and vice versa)
        float[][] vectors = tower.encode(List.of(items, items));
        assertThat(vectors[1]).containsExactly(vectors[0]);
        return vectors[0];
    }

    private static MediaTower tower(Modality modality, String yamlEntry) throws Exception {
        Map<String, Object> map = new ObjectMapper(new YAMLFactory()).readValue(yamlEntry, new TypeReference<>() {});
        TowerSpec spec = TowerSpec.parse(map);
        return new MediaTower(modality, spec, NativeTower.load("plumbing/" + modality, spec, CPU, METRICS));
    }

    private static byte[] png(Color color, int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static boolean onPath(String binary) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, binary))) {
                return true;
            }
        }
        return false;
    }
}
