package io.omnistream.encoder.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.omnistream.encoder.tower.Preprocessing.Interpolation;
import io.omnistream.encoder.tower.Preprocessing.ResizeMode;
import io.omnistream.encoder.tower.Preprocessing;
import io.omnistream.encoder.tower.TensorInputSpec.Layout;
import io.omnistream.encoder.tower.TensorInputSpec;
import io.omnistream.runtime.error.PermanentFailureException;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Frame sampling on videos made by ffmpeg in the test: 10 s at 10 fps, 64x64. Frame n (0..99) shows in its top
 * half a solid colour for its second s = n / 10 (RGB (25 s + 10, 245 - 25 s, 128)) and in its bottom half a grey
 * level for its place k = n % 10 in that second (25 k + 10), so every frame is identifiable from its pixels. The
 * expected frame for a sampling time comes from ffprobe (container duration, decoded frames' timestamps), and its
 * expected colours from the generating formula.
 */
class VideoFramesTest {
    private static final String PATTERN = "geq="
            + "r='if(lt(Y,32),25*trunc(N/10)+10,25*mod(N,10)+10)':"
            + "g='if(lt(Y,32),245-25*trunc(N/10),25*mod(N,10)+10)':"
            + "b='if(lt(Y,32),128,25*mod(N,10)+10)'";

    @TempDir
    static Path dir;
    static byte[] mp4;
    static byte[] webm;

    @BeforeAll
    static void makeVideos() throws Exception {
        MediaTestSupport.assumeTools("ffmpeg", "ffprobe");
        String source = "color=c=black:s=64x64:r=10:d=10,format=rgb24";
        // lossless in YUV (x264 -qp 0, VP9 -lossless 1); the RGB -> YUV 4:2:0 round trip still moves values by a few
        // levels, far less than the 25-level steps of the pattern
        mp4 = MediaTestSupport.ffmpeg(dir, "clip.mp4", "-f", "lavfi", "-i", source, "-vf", PATTERN + ",format=yuv420p",
                "-c:v", "libx264", "-qp", "0");
        if (MediaTestSupport.hasEncoder("libvpx-vp9")) {
            webm = MediaTestSupport.ffmpeg(dir, "clip.webm", "-f", "lavfi", "-i", source, "-vf",
                    PATTERN + ",format=yuv420p", "-c:v", "libvpx-vp9", "-lossless", "1");
        }
    }

    private static byte[] video(String container) {
        byte[] v = container.equals("mp4") ? mp4 : webm;
        Assumptions.assumeTrue(v != null, "ffmpeg has no encoder for " + container);
        return v;
    }

    /** ffprobe's container duration and the decoded frames' timestamps (display order), independent of VideoFrames. */
    private static double[] ffprobe(byte[] video, String container, List<Double> duration) throws Exception {
        Path file = dir.resolve("probe." + container);
        Files.write(file, video);
        duration.add(Double.parseDouble(MediaTestSupport.run(List.of("ffprobe", "-v", "error", "-show_entries",
                "format=duration", "-of", "csv=p=0", file.toString())).strip()));
        String json = MediaTestSupport.run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_frames",
                "-show_entries", "frame=best_effort_timestamp_time", "-of", "json", file.toString()));
        List<Double> times = new java.util.ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("frames")
                .forEach(f -> times.add(f.path("best_effort_timestamp_time").asDouble(Double.NaN)));
        return times.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Asserts {@code image} is frame number {@code n} of the pattern, by its colours. */
    private static void assertIsFrame(BufferedImage image, int n) {
        int s = n / 10;
        int k = n % 10;
        int top = image.getRGB(16, 16);
        int bottom = image.getRGB(16, 48);
        assertThat(new int[] {(top >> 16) & 0xFF, (top >> 8) & 0xFF, top & 0xFF})
                .as("top half of frame %d (second %d)", n, s)
                .usingElementComparator((a, b) -> Math.abs(a - b) <= 8 ? 0 : 1)
                .containsExactly(25 * s + 10, 245 - 25 * s, 128);
        assertThat(new int[] {(bottom >> 16) & 0xFF, (bottom >> 8) & 0xFF, bottom & 0xFF})
                .as("bottom half of frame %d (place %d in its second)", n, k)
                .usingElementComparator((a, b) -> Math.abs(a - b) <= 8 ? 0 : 1)
                .containsExactly(25 * k + 10, 25 * k + 10, 25 * k + 10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mp4", "webm"})
    void eightFramesAreTheOnesOnScreenAtTheCentresOfEightEqualSlices(String container) throws Exception {
        byte[] video = video(container);
        List<Double> durations = new java.util.ArrayList<>();
        double[] frameTimes = ffprobe(video, container, durations);
        double duration = durations.get(0);
        assertThat(duration).isCloseTo(10.0, within(0.05));
        assertThat(frameTimes).hasSize(100);

        List<SampledFrame> frames = new VideoFrames(VideoSettings.DEFAULT).sample(video);

        assertThat(frames).hasSize(8);
        int[] shown = new int[8];
        for (int i = 0; i < 8; i++) {
            double t = (i + 0.5) * duration / 8;
            int expected = 0; // the latest frame whose timestamp is <= t: the one on screen at t
            for (int j = 0; j < frameTimes.length; j++) {
                if (frameTimes[j] <= t) {
                    expected = j;
                }
            }
            shown[i] = expected;
            SampledFrame f = frames.get(i);
            assertThat(f.index()).isEqualTo(i);
            assertThat(f.sampleSeconds()).isCloseTo(t, within(1e-9));
            assertThat(f.frameSeconds()).isCloseTo(frameTimes[expected], within(1e-6));
            assertThat(f.image().getWidth()).isEqualTo(64);
            assertThat(f.image().getHeight()).isEqualTo(64);
            assertIsFrame(f.image(), expected);
        }
        // at 10 fps over 10 s: t = 0.625, 1.875, ..., 9.375 s shows frames 6, 18, 31, 43, 56, 68, 81, 93
        // (ffmpeg's plain -ss t would give the next ones, 7, 19, 32, ...)
        assertThat(shown).containsExactly(6, 18, 31, 43, 56, 68, 81, 93);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mp4", "webm"})
    void oneFrameIsTheMiddleFrame(String container) throws Exception {
        byte[] video = video(container);
        List<SampledFrame> frames = new VideoFrames(VideoSettings.DEFAULT.withFrames(1)).sample(video);
        assertThat(frames).hasSize(1);
        // t = 0.5 * 10 s = 5.0 s: frame 50 (timestamp 5.0) is on screen
        assertThat(frames.get(0).frameSeconds()).isCloseTo(5.0, within(1e-6));
        assertIsFrame(frames.get(0).image(), 50);
    }

    @Test
    void tensorsHoldTheFramesInTimeOrderForBothPoolings() {
        byte[] video = video("mp4");
        TensorInputSpec input = TensorInputSpec.image("pixel_values", Layout.NCHW, 3, 8, 8);
        ImageTensors images = new ImageTensors(input, new Preprocessing.Image(List.of(0.0, 0.0, 0.0),
                List.of(1.0, 1.0, 1.0), ResizeMode.STRETCH, Interpolation.BILINEAR), ImageSettings.DEFAULT);
        VideoFrames frames = new VideoFrames(VideoSettings.DEFAULT.withFrames(4));
        float[] values = frames.tensors(video, images);
        assertThat(values).hasSize(4 * 3 * 8 * 8);
        // 4 samples at 1.25, 3.75, 6.25, 8.75 s show frames 12, 37, 62, 87: seconds 1, 3, 6, 8. The red channel of
        // the top-left pixel (channel 0, y 0, x 0) is (25 s + 10) / 255.
        int item = 3 * 8 * 8;
        int[] seconds = {1, 3, 6, 8};
        for (int f = 0; f < 4; f++) {
            assertThat(values[f * item] * 255).as("frame %d red", f).isCloseTo(25 * seconds[f] + 10, within(8f));
        }
        // the same floats are 4 image items or 1 clip item of 4 frames
        assertThat(input.shape(4)).containsExactly(4, 3, 8, 8);
        assertThat(TensorInputSpec.clip(input.name(), Layout.NTCHW, 4, 3, 8, 8).shape(1)).containsExactly(1, 4, 3, 8, 8);
        assertThat(values).hasSize(TensorInputSpec.clip(input.name(), Layout.NTCHW, 4, 3, 8, 8).itemSize());
    }

    @Test
    void videosOverTheLimitsAreRefusedBeforeDecoding() {
        byte[] video = video("mp4");
        assertThatThrownBy(() -> new VideoFrames(new VideoSettings(8, 5, 1_000_000, Duration.ofSeconds(30))).sample(video))
                .isInstanceOf(PermanentFailureException.class).hasMessage("video: 10.0 s exceeds the limit of 5 s");
        assertThatThrownBy(() -> new VideoFrames(new VideoSettings(8, 60, 1000, Duration.ofSeconds(30))).sample(video))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("video: frames of 64x64 = 4096 pixels exceed the limit of 1000 pixels");
    }

    @Test
    void emptyCorruptTruncatedAndAudioOnlyInputsArePermanentFailures() throws Exception {
        VideoFrames frames = new VideoFrames(VideoSettings.DEFAULT);
        assertThatThrownBy(() -> frames.sample(new byte[0]))
                .isInstanceOf(PermanentFailureException.class).hasMessage("video: empty payload (0 bytes)");
        byte[] text = "definitely not a video container".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> frames.sample(text))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("video: 32 bytes are in no supported format (they start with 64 65 66 69 6e 69 74 65)");
        // ffmpeg writes the MP4 index (moov) at the end: the first half has none
        byte[] half = Arrays.copyOf(video("mp4"), mp4.length / 2);
        assertThatThrownBy(() -> frames.sample(half))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("video: ffprobe cannot read it: input: Invalid data found when processing input");
        byte[] wav = MediaTestSupport.ffmpeg(dir, "tone.wav", "-f", "lavfi", "-i", "sine=frequency=440:duration=1");
        assertThatThrownBy(() -> frames.sample(wav))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("video: the payload is WAV (audio/wav), which VIDEO events cannot carry");
        // a container that can hold video but holds only audio: refused by ffprobe's stream list
        byte[] audioOnlyWebm = MediaTestSupport.ffmpeg(dir, "tone.webm", "-f", "lavfi", "-i",
                "sine=frequency=440:duration=1", "-c:a", "libvorbis");
        assertThatThrownBy(() -> frames.sample(audioOnlyWebm))
                .isInstanceOf(PermanentFailureException.class).hasMessage("video: no video stream (container matroska,webm)");
    }

    @Test
    void shownAtPicksTheLatestTimestampNotAfterT() {
        double[] pts = {0.0, 0.1, 0.2, 0.3};
        assertThat(VideoFrames.shownAt(pts, 0.15)).isEqualTo(1);
        assertThat(VideoFrames.shownAt(pts, 0.2)).isEqualTo(2);
        assertThat(VideoFrames.shownAt(pts, -1)).isEqualTo(0);
        assertThat(VideoFrames.shownAt(pts, 99)).isEqualTo(3);
        assertThat(VideoFrames.sampleTimes(10, 4)).containsExactly(1.25, 3.75, 6.25, 8.75);
    }
}
