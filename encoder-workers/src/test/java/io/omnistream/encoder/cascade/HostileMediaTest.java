package io.omnistream.encoder.cascade;

import static io.omnistream.encoder.cascade.CascadesTest.event;
import static io.omnistream.encoder.cascade.MediaFixtures.assumeTools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.omnistream.encoder.media.MediaSniffer;
import io.omnistream.encoder.media.VideoFrames;
import io.omnistream.encoder.media.VideoSettings;
import io.omnistream.encoder.model.CascadeSpec;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile inputs through the real cascades and tools: an HLS playlist declared as video (it must reach neither the
 * file nor the network), payloads that contradict their event, audio and PDFs over their budgets. Every test runs
 * with a temp directory of its own installed in the {@link ToolSandbox}, and checks that nothing is left in it, on
 * success, on failure and on timeout.
 */
class HostileMediaTest {
    private static final List<String> SLIDE = List.of("Vitamin D deficiency increases", "the risk of tuberculosis");

    @TempDir
    Path workerTmp;
    private ToolSandbox previous;

    @BeforeEach
    void ownTempDir() {
        previous = ToolSandbox.current();
        ToolSandbox.install(ToolSandbox.of(ToolSandbox.Limits.DEFAULT.withTempDir(workerTmp)));
    }

    @AfterEach
    void restore() {
        ToolSandbox.install(previous);
    }

    private List<Path> leftOver() throws IOException {
        try (Stream<Path> files = Files.list(workerTmp)) {
            return files.toList();
        }
    }

    private static MediaEvent declared(Modality modality, byte[] payload, String mimeType) {
        return MediaEvent.newBuilder(event(modality, payload)).setMimeType(mimeType).build();
    }

    /** A loopback HTTP server that counts the requests it sees. */
    private static HttpServer recordingServer(AtomicInteger requests) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void anHlsPlaylistDeclaredAsVideoReachesNeitherTheFileNorTheNetwork() throws Exception {
        assumeTools("ffmpeg", "ffprobe", "tesseract");
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = recordingServer(requests);
        Path playlistFile = workerTmp.resolve("control.m3u8");
        try {
            Path secret = Files.writeString(Files.createTempFile("omnistream-secret", ".ts"), "not for you");
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/segment.ts";
            // a network segment first (ffmpeg's hls demuxer opens the first segment to find the streams), then a local file
            byte[] playlist = ("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n" + url
                    + "\n#EXTINF:10.0,\n" + secret + "\n#EXT-X-ENDLIST\n").getBytes(StandardCharsets.US_ASCII);

            // control: ffmpeg left to probe, with http allowed, does follow the playlist to the server
            Files.write(playlistFile, playlist);
            Process p = new ProcessBuilder("ffprobe", "-v", "error", "-protocol_whitelist", "file,http,tcp",
                    playlistFile.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(requests.get()).as("the control run reached the server").isPositive();
            Files.delete(playlistFile);
            requests.set(0);

            MediaTranscriber video = Cascades.transcriber(new CascadeSpec(Modality.VIDEO, "tesseract", Map.of()));
            for (String mime : Arrays.asList("video/mp4", "video/webm", null)) {
                assertThatThrownBy(() -> video.transcribe(declared(Modality.VIDEO, playlist, mime)))
                        .isInstanceOf(PermanentFailureException.class)
                        .hasMessage("video: the payload is an HLS/M3U playlist (#EXTM3U); playlists are refused, send "
                                + "the media bytes themselves");
            }
            assertThatThrownBy(() -> new VideoFrames(VideoSettings.DEFAULT).sample(playlist))
                    .isInstanceOf(PermanentFailureException.class).hasMessageContaining("HLS/M3U playlist");

            // below the sniffer: ffmpeg/ffprobe with the forced demuxer and the file-only whitelist do not follow it
            Path file = MediaPayload.toTempFile(playlist, ".video");
            try {
                Ffmpeg ffmpeg = new Ffmpeg(Duration.ofSeconds(30));
                for (MediaSniffer.Format format : List.of(MediaSniffer.Format.MP4, MediaSniffer.Format.WEBM)) {
                    assertThatThrownBy(() -> ffmpeg.durationSeconds(file, format, "v", "video"))
                            .isInstanceOf(PermanentFailureException.class).hasMessageContaining("ffprobe cannot read it");
                    assertThatThrownBy(() -> ffmpeg.frameAt(file, format, 1.0, 640, "video"))
                            .isInstanceOf(PermanentFailureException.class).hasMessageContaining("could not decode a frame");
                }
            } finally {
                ExternalTool.deleteQuietly(file);
            }
            assertThat(requests.get()).as("requests the server saw").isZero();
            Files.delete(secret);
        } finally {
            server.stop(0);
        }
        assertThat(leftOver()).isEmpty();
    }

    @Test
    void payloadsThatContradictTheirEventAreRefusedBeforeDecoding() throws Exception {
        assumeTools("tesseract", "ffmpeg", "pocketsphinx_continuous");
        byte[] png = MediaFixtures.png(MediaFixtures.textImage(SLIDE, 640, 200));
        byte[] jpeg = MediaFixtures.convert(png, ".png", ".jpg", "-q:v", "3");
        MediaTranscriber image = Cascades.transcriber(new CascadeSpec(Modality.IMAGE, "tesseract", Map.of()));
        assertThatThrownBy(() -> image.transcribe(declared(Modality.IMAGE, jpeg, "image/png")))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("image: declared MIME type 'image/png' contradicts the payload's bytes, which are JPEG (image/jpeg)");
        assertThat(image.transcribe(declared(Modality.IMAGE, jpeg, "image/jpeg"))).containsIgnoringCase("tuberculosis");

        MediaTranscriber audio = Cascades.transcriber(new CascadeSpec(Modality.AUDIO, "pocketsphinx", Map.of()));
        assertThatThrownBy(() -> audio.transcribe(declared(Modality.AUDIO, png, "audio/wav")))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("audio: the payload is PNG (image/png), which AUDIO events cannot carry");
        MediaTranscriber document = Cascades.transcriber(new CascadeSpec(Modality.DOCUMENT, "tesseract", Map.of()));
        assertThatThrownBy(() -> document.transcribe(declared(Modality.DOCUMENT, MediaFixtures.pdf(SLIDE), "image/png")))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("contradicts the payload's bytes");
        assertThat(leftOver()).isEmpty();
    }

    @Test
    void aWavDeclaringTenHoursFailsFromItsHeaderWithoutDecoding() throws Exception {
        assumeTools("ffmpeg", "pocketsphinx_continuous");
        // 16 kHz mono 16-bit (32000 bytes/s); the data chunk claims 36000 s, a tenth of a second follows
        ByteBuffer b = ByteBuffer.allocate(44 + 3200).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 1_152_000_000).put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(16_000).putInt(32_000).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(1_152_000_000);
        MediaTranscriber audio = Cascades.transcriber(new CascadeSpec(Modality.AUDIO, "pocketsphinx", Map.of()));
        assertThatThrownBy(() -> audio.transcribe(declared(Modality.AUDIO, b.array(), "audio/vnd.wave")))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("audio is 36000.0 s (declared by its WAV header), over the 120 s budget");
        // refused before the payload was written for ffmpeg: no temp file was ever created (a tool run needs one)
        assertThat(leftOver()).isEmpty();
        assertThat(workerTmp.toFile().list()).isEmpty();
    }

    @Test
    void audioOverTheBudgetInAnotherFormatIsCutAtTheCapAndRefused() throws Exception {
        assumeTools("ffmpeg", "pocketsphinx_continuous");
        byte[] ogg = lavfi("sine=frequency=440:duration=6", ".ogg", "-c:a", "libvorbis");
        byte[] flac = lavfi("sine=frequency=440:duration=6", ".flac", "-c:a", "flac");
        MediaTranscriber audio = Cascades.transcriber(new CascadeSpec(Modality.AUDIO, "pocketsphinx",
                Map.of("maxSeconds", "2")));
        for (byte[] bytes : List.of(ogg, flac)) {
            assertThatThrownBy(() -> audio.transcribe(event(Modality.AUDIO, bytes)))
                    .isInstanceOf(PermanentFailureException.class)
                    .hasMessage("audio is at least 3.0 s, over the 2 s budget");
        }
        // within the budget the same audio decodes and is recognised (a pure tone: no words)
        MediaTranscriber roomy = Cascades.transcriber(new CascadeSpec(Modality.AUDIO, "pocketsphinx",
                Map.of("maxSeconds", "10")));
        assertThat(roomy.transcribe(event(Modality.AUDIO, ogg))).isNotNull();
        assertThat(leftOver()).isEmpty();
    }

    @Test
    void aPdfOverTheObjectBudgetIsRefusedAndTheOtherBudgetsStillHold() throws Exception {
        assumeTools("tesseract");
        byte[] pdf = MediaFixtures.pdf(SLIDE);
        assertThatThrownBy(() -> Cascades.transcriber(new CascadeSpec(Modality.DOCUMENT, "tesseract",
                Map.of("maxObjects", "5"))).transcribe(event(Modality.DOCUMENT, pdf)))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageMatching("document: the PDF declares \\d+ objects in its cross-reference table, over the budget of 5");
        assertThat(Cascades.transcriber(new CascadeSpec(Modality.DOCUMENT, "tesseract", Map.of("maxObjects", "1000")))
                .transcribe(event(Modality.DOCUMENT, pdf))).containsIgnoringCase("tuberculosis");
        assertThatThrownBy(() -> Cascades.transcriber(new CascadeSpec(Modality.DOCUMENT, "tesseract",
                Map.of("maxPixels", "1000"))).transcribe(event(Modality.DOCUMENT, pdf)))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("over the limit of 1000");
        assertThat(leftOver()).isEmpty();
    }

    @Test
    void noTempFileIsLeftAfterSuccessFailureOrTimeout() throws Exception {
        assumeTools("ffmpeg", "ffprobe", "tesseract");
        byte[] clip = MediaFixtures.slideVideo(List.of(MediaFixtures.textImage(SLIDE, 640, 360)), 1, "mp4");
        MediaTranscriber video = Cascades.transcriber(new CascadeSpec(Modality.VIDEO, "tesseract", Map.of("frames", "1")));
        // success
        assertThat(video.transcribe(declared(Modality.VIDEO, clip, "video/quicktime"))).containsIgnoringCase("vitamin");
        assertThat(leftOver()).isEmpty();
        // failure inside ffprobe: the signature is intact, the index (written at the end) is cut off
        byte[] truncated = Arrays.copyOf(clip, clip.length / 2);
        assertThatThrownBy(() -> video.transcribe(event(Modality.VIDEO, truncated)))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("ffprobe cannot read it");
        assertThat(leftOver()).isEmpty();
        // timeout: every tool run is killed at once
        VideoFrames impatient = new VideoFrames(new VideoSettings(1, 600, 3840L * 2160, Duration.ofMillis(1)));
        assertThatThrownBy(() -> impatient.sample(clip)).isInstanceOf(ToolUnavailableException.class)
                .hasMessageContaining("did not finish within 1 ms");
        assertThat(leftOver()).isEmpty();
    }

    /** ffmpeg's lavfi source {@code source} encoded into a file with {@code suffix}. */
    private static byte[] lavfi(String source, String suffix, String... codec) throws Exception {
        Path out = Files.createTempFile("lavfi", suffix);
        try {
            List<String> cmd = new java.util.ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source));
            cmd.addAll(List.of(codec));
            cmd.add(out.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(log).isZero();
            return Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
