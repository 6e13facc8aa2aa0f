package io.omnistream.encoder.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.encoder.media.MediaSniffer.Format;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.Modality;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sniffer on the headers of real files, each written by a real encoder (Java's ImageIO, ffmpeg's muxers and
 * codecs, PDFBox): the expected format is the one the file was written in.
 */
class MediaSnifferTest {
    @TempDir
    Path dir;

    private static byte[] image(String format) throws Exception {
        BufferedImage img = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(4, 4, 20, 10);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, format, out)).as("ImageIO writes " + format).isTrue();
        return out.toByteArray();
    }

    private static byte[] pdf() throws Exception {
        try (PDDocument doc = new PDDocument()) {
            doc.addPage(new PDPage());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }

    @Test
    void imagesAndPdfWrittenInTheJvmAreRecognised() throws Exception {
        Map<Format, byte[]> files = new LinkedHashMap<>();
        files.put(Format.PNG, image("png"));
        files.put(Format.JPEG, image("jpeg"));
        files.put(Format.GIF, image("gif"));
        files.put(Format.BMP, image("bmp"));
        files.put(Format.PDF, pdf());
        files.forEach((format, bytes) -> assertThat(MediaSniffer.sniff(bytes)).as(format.name()).contains(format));
    }

    @Test
    void audioAndVideoWrittenByFfmpegAreRecognised() throws Exception {
        MediaTestSupport.assumeTools("ffmpeg");
        Map<Format, byte[]> files = new LinkedHashMap<>();
        String[] tone = {"-f", "lavfi", "-i", "sine=frequency=440:duration=0.5"};
        String[] picture = {"-f", "lavfi", "-i", "testsrc=size=64x48:rate=5:duration=0.6"};
        files.put(Format.WAV, MediaTestSupport.ffmpeg(dir, "a.wav", concat(tone)));
        files.put(Format.OGG, MediaTestSupport.ffmpeg(dir, "a.ogg", concat(tone, "-c:a", "libvorbis")));
        files.put(Format.MP3, MediaTestSupport.ffmpeg(dir, "a.mp3", concat(tone, "-c:a", "libmp3lame")));
        files.put(Format.FLAC, MediaTestSupport.ffmpeg(dir, "a.flac", concat(tone, "-c:a", "flac")));
        files.put(Format.MP4, MediaTestSupport.ffmpeg(dir, "v.mp4", concat(picture, "-c:v", "libx264", "-pix_fmt", "yuv420p")));
        files.put(Format.WEBM, MediaTestSupport.ffmpeg(dir, "v.webm", concat(picture, "-c:v", "libvpx")));
        if (MediaTestSupport.hasEncoder("libwebp")) {
            files.put(Format.WEBP, MediaTestSupport.ffmpeg(dir, "i.webp", concat(picture, "-frames:v", "1", "-c:v", "libwebp")));
        }
        // an MP3 without an ID3 tag starts with a bare frame sync
        byte[] bareMp3 = MediaTestSupport.ffmpeg(dir, "bare.mp3", concat(tone, "-c:a", "libmp3lame", "-write_xing", "0",
                "-id3v2_version", "0"));
        assertThat(new String(bareMp3, 0, 3, StandardCharsets.ISO_8859_1)).isNotEqualTo("ID3");
        files.put(Format.MP3, bareMp3);
        files.forEach((format, bytes) -> assertThat(MediaSniffer.sniff(bytes)).as(format.name()).contains(format));
    }

    @Test
    void realRecordingsFromTheDataSetsAreRecognised() throws Exception {
        assertThat(MediaSniffer.sniff(Files.readAllBytes(MediaTestSupport.sharedData("fsdd/recordings/7_jackson_0.wav"))))
                .contains(Format.WAV);
        assertThat(MediaSniffer.sniff(Files.readAllBytes(MediaTestSupport.sharedData(
                "tuxpaint-stamps/animals/birds/blackbird_desc.ogg")))).contains(Format.OGG);
    }

    @Test
    void bytesWithoutAKnownSignatureAreNoFormat() {
        assertThat(MediaSniffer.sniff("#EXTM3U\n#EXTINF:1,\nhttp://example.com/a.ts\n".getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
        assertThat(MediaSniffer.sniff("hello world".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(MediaSniffer.sniff(new byte[0])).isEmpty();
        assertThat(MediaSniffer.sniff(new byte[] {(byte) 0x89, 'P', 'N'})).as("truncated PNG signature").isEmpty();
        // AAC in ADTS: FF F1 has the MPEG sync but layer bits 00, so it is not taken for MP3
        assertThat(MediaSniffer.sniff(new byte[] {(byte) 0xFF, (byte) 0xF1, 0x50, (byte) 0x80})).isEmpty();
        // "BM" alone (e.g. text starting "BMW") is no bitmap without a DIB header size
        assertThat(MediaSniffer.sniff("BMW 320i, 1998, very good condition".getBytes(StandardCharsets.US_ASCII))).isEmpty();
    }

    @Test
    void aPayloadThatFitsItsModalityAndDeclaredTypeIsAccepted() throws Exception {
        byte[] png = image("png");
        assertThat(MediaSniffer.require(png, Modality.IMAGE, null)).isEqualTo(Format.PNG);
        assertThat(MediaSniffer.require(png, Modality.IMAGE, "image/png")).isEqualTo(Format.PNG);
        // the names ingest's detector (Apache Tika) gives are accepted as aliases
        byte[] mp4Header = {0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'};
        assertThat(MediaSniffer.require(mp4Header, Modality.VIDEO, "video/quicktime")).isEqualTo(Format.MP4);
        byte[] ebml = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, (byte) 0x9F};
        assertThat(MediaSniffer.require(ebml, Modality.VIDEO, "application/x-matroska")).isEqualTo(Format.WEBM);
        assertThat(MediaSniffer.require(ebml, Modality.AUDIO, "audio/webm")).isEqualTo(Format.WEBM);
        byte[] wav = "RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(MediaSniffer.require(wav, Modality.AUDIO, "audio/vnd.wave")).isEqualTo(Format.WAV);
        assertThat(MediaSniffer.require("OggS\0".getBytes(StandardCharsets.ISO_8859_1), Modality.AUDIO, "audio/vorbis"))
                .isEqualTo(Format.OGG);
        assertThat(MediaSniffer.require("fLaC\0".getBytes(StandardCharsets.ISO_8859_1), Modality.AUDIO,
                "audio/x-flac; rate=44100")).isEqualTo(Format.FLAC);
    }

    @Test
    void aPayloadThatContradictsTheEventFailsPermanentlyWithThePreciseReason() throws Exception {
        byte[] png = image("png");
        byte[] jpeg = image("jpeg");
        assertThatThrownBy(() -> MediaSniffer.require(png, Modality.AUDIO, null))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("audio: the payload is PNG (image/png), which AUDIO events cannot carry");
        assertThatThrownBy(() -> MediaSniffer.require(jpeg, Modality.IMAGE, "image/png"))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("image: declared MIME type 'image/png' contradicts the payload's bytes, which are JPEG (image/jpeg)");
        assertThatThrownBy(() -> MediaSniffer.require(pdf(), Modality.VIDEO, "video/mp4"))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("PDF (application/pdf)");
        assertThatThrownBy(() -> MediaSniffer.require(png, Modality.IMAGE, "application/x-shockwave-flash"))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("declared MIME type 'application/x-shockwave-flash' is not supported");
        assertThatThrownBy(() -> MediaSniffer.require("\uFEFF #EXTM3U\n#EXT-X-VERSION:3\nfile:///etc/passwd\n"
                .getBytes(StandardCharsets.UTF_8), Modality.VIDEO, "video/mp4"))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("video: the payload is an HLS/M3U playlist (#EXTM3U); playlists are refused, send the media "
                        + "bytes themselves");
        assertThatThrownBy(() -> MediaSniffer.require("hello".getBytes(StandardCharsets.US_ASCII), Modality.DOCUMENT, null))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("document: 5 bytes are in no supported format (they start with 68 65 6c 6c 6f)");
        assertThatThrownBy(() -> MediaSniffer.require(new byte[0], Modality.IMAGE, null))
                .isInstanceOf(PermanentFailureException.class).hasMessage("image: empty payload (0 bytes)");
    }

    @Test
    void ffmpegReadsOnlyLocalFilesWithTheFormatsOwnDemuxer() {
        Path file = Path.of("/tmp/x.media");
        assertThat(Format.MP4.ffmpegInput(file)).containsExactly("-protocol_whitelist", "file,pipe", "-f", "mov", "-i",
                "/tmp/x.media");
        assertThat(Format.WEBM.demuxer()).contains("matroska");
        assertThat(Format.WAV.demuxer()).contains("wav");
        assertThat(Format.OGG.demuxer()).contains("ogg");
        assertThat(Format.MP3.demuxer()).contains("mp3");
        assertThat(Format.FLAC.demuxer()).contains("flac");
        assertThat(Format.PNG.demuxer()).isEmpty();
        assertThatThrownBy(() -> Format.PDF.ffmpegInput(file)).isInstanceOf(IllegalStateException.class);
        assertThat(Format.ofMimeType("VIDEO/WebM")).contains(Format.WEBM);
        assertThat(Format.ofMimeType("application/x-mpegurl")).isEqualTo(Optional.empty());
    }

    private static String[] concat(String[] head, String... tail) {
        return java.util.stream.Stream.concat(List.of(head).stream(), List.of(tail).stream()).toArray(String[]::new);
    }
}
