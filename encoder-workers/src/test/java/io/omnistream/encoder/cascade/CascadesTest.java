package io.omnistream.encoder.cascade;

import static io.omnistream.encoder.cascade.MediaFixtures.assumeTools;
import static io.omnistream.encoder.cascade.MediaFixtures.wordRecall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.encoder.media.MediaSniffer;
import io.omnistream.encoder.model.CascadeSpec;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cascades on real inputs made by real tools (see {@link MediaFixtures}): the expected text is what was rendered
 * or spoken. Tests that need Tesseract, ffmpeg, PocketSphinx or espeak-ng skip when they are missing; CI installs
 * them (scripts/install-media-tools.sh).
 */
class CascadesTest {
    private static final List<String> SLIDE_1 = List.of("Vitamin D deficiency increases", "the risk of tuberculosis");
    private static final List<String> SLIDE_2 = List.of("Aspirin lowers the incidence", "of colorectal cancer");

    @Test
    void framesAreSampledAtTheCentresOfEqualSlices() {
        // 10 s, 4 frames: slices of 2.5 s, centres 1.25, 3.75, 6.25, 8.75
        assertThat(VideoOcrTranscriber.sampleTimes(10.0, 4)).containsExactly(1.25, 3.75, 6.25, 8.75);
        // 8 frames over 4 s (VLM2Vec-V2's default count): 0.25, 0.75, ..., 3.75
        assertThat(VideoOcrTranscriber.sampleTimes(4.0, 8)).containsExactly(0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75);
    }

    @Test
    void ocrOutputIsNormalisedToProse() {
        assertThat(TesseractOcr.normalise("Vitamin D increases tuber-\nculosis\n\n risk\f")).isEqualTo(
                "Vitamin D increases tuberculosis risk");
        assertThat(TesseractOcr.normalise("  \n\f ")).isEmpty();
    }

    @Test
    void settingsAreValidatedWithTheCascadeAndKeyNamed() {
        assertThatThrownBy(() -> Cascades.transcriber(new CascadeSpec(Modality.DOCUMENT, "tesseract",
                Map.of("dpi", "ten")))).hasMessageContaining("DOCUMENT").hasMessageContaining("'dpi'");
        assertThatThrownBy(() -> Cascades.transcriber(new CascadeSpec(Modality.AUDIO, "tesseract", Map.of())))
                .hasMessageContaining("pocketsphinx");
    }

    @Test
    void documentPagesAreRenderedAndRead() throws Exception {
        assumeTools("tesseract");
        MediaTranscriber doc = Cascades.transcriber(new CascadeSpec(Modality.DOCUMENT, "tesseract", Map.of()));
        String text = doc.transcribe(event(Modality.DOCUMENT, MediaFixtures.pdf(SLIDE_1)));
        assertThat(wordRecall(String.join(" ", SLIDE_1), text)).as(text).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void imagesInPngJpegAndWebpAreRead() throws Exception {
        assumeTools("tesseract", "ffmpeg");
        MediaTranscriber image = Cascades.transcriber(new CascadeSpec(Modality.IMAGE, "tesseract", Map.of()));
        byte[] png = MediaFixtures.png(MediaFixtures.textImage(SLIDE_2, 640, 200));
        byte[] jpeg = MediaFixtures.convert(png, ".png", ".jpg", "-q:v", "3");
        byte[] webp = MediaFixtures.convert(png, ".png", ".webp", "-c:v", "libwebp", "-quality", "90");
        for (byte[] bytes : List.of(png, jpeg, webp)) {
            String text = image.transcribe(event(Modality.IMAGE, bytes));
            assertThat(wordRecall(String.join(" ", SLIDE_2), text)).as(text).isGreaterThanOrEqualTo(0.9);
        }
    }

    @Test
    void videoFramesAreReadOncePerSlideInTimeOrder() throws Exception {
        assumeTools("tesseract", "ffmpeg", "ffprobe");
        MediaTranscriber video = Cascades.transcriber(new CascadeSpec(Modality.VIDEO, "tesseract", Map.of()));
        for (String container : List.of("mp4", "webm")) {
            byte[] clip = MediaFixtures.slideVideo(List.of(MediaFixtures.textImage(SLIDE_1, 960, 540),
                    MediaFixtures.textImage(SLIDE_2, 960, 540)), 2, container);
            String text = video.transcribe(event(Modality.VIDEO, clip));
            assertThat(wordRecall(String.join(" ", SLIDE_1) + " " + String.join(" ", SLIDE_2), text))
                    .as(container + ": " + text).isGreaterThanOrEqualTo(0.9);
            // 8 samples over 4 s: 4 on each slide, deduplicated to one reading each, slide 1 first
            assertThat(MediaFixtures.words(text).stream().filter("tuberculosis"::equals).count()).as(text).isEqualTo(1);
            assertThat(text.toLowerCase().indexOf("vitamin")).isLessThan(text.toLowerCase().indexOf("aspirin"));
        }
    }

    @Test
    void framesOfOneSlideCountAsTheSamePictureAndAnotherSlideDoesNot() throws Exception {
        assumeTools("ffmpeg", "ffprobe");
        byte[] clip = MediaFixtures.slideVideo(List.of(MediaFixtures.textImage(SLIDE_1, 960, 540),
                MediaFixtures.textImage(SLIDE_2, 960, 540)), 2, "mp4");
        Path file = Files.createTempFile("slides", ".mp4");
        try {
            Files.write(file, clip);
            Ffmpeg ffmpeg = new Ffmpeg(java.time.Duration.ofSeconds(30));
            // slide 1 is shown for 0-2 s, slide 2 for 2-4 s: two H.264 frames of slide 1 differ only by coding noise
            int[] a = VideoOcrTranscriber.thumbnail(VideoOcrTranscriber.decodePng(ffmpeg.frameAt(file, MediaSniffer.Format.MP4, 0.25, 1280, "video")));
            int[] b = VideoOcrTranscriber.thumbnail(VideoOcrTranscriber.decodePng(ffmpeg.frameAt(file, MediaSniffer.Format.MP4, 1.75, 1280, "video")));
            int[] c = VideoOcrTranscriber.thumbnail(VideoOcrTranscriber.decodePng(ffmpeg.frameAt(file, MediaSniffer.Format.MP4, 2.25, 1280, "video")));
            assertThat(VideoOcrTranscriber.maxAbsoluteDifference(a, b)).isLessThanOrEqualTo(VideoOcrTranscriber.SAME_FRAME_MAX_DIFF);
            assertThat(VideoOcrTranscriber.maxAbsoluteDifference(a, c)).isGreaterThan(VideoOcrTranscriber.SAME_FRAME_MAX_DIFF);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void speechIsRecognisedWithTheGenericModelAndBetterWithAGrammar() throws Exception {
        assumeTools("pocketsphinx_continuous", "ffmpeg", "ffprobe", "espeak-ng");
        String said = "one two three four five six seven eight nine ten";
        byte[] wav = MediaFixtures.speech(said);
        byte[] ogg = MediaFixtures.convert(wav, ".wav", ".ogg", "-c:a", "libvorbis");
        byte[] silence = MediaFixtures.convert(wav, ".wav", ".wav", "-af", "volume=0");

        // Generic US-English language model: weak on espeak-ng's voice (measured: "want to three full robotic suit
        // on you you" for the ten digits, see README), so only "speech in, words out; silence in, nothing out".
        MediaTranscriber generic = Cascades.transcriber(new CascadeSpec(Modality.AUDIO, "pocketsphinx", Map.of()));
        assertThat(generic.transcribe(event(Modality.AUDIO, wav))).isNotBlank();
        assertThat(generic.transcribe(event(Modality.AUDIO, ogg))).isNotBlank();
        assertThat(generic.transcribe(event(Modality.AUDIO, silence))).isBlank();

        // A digits grammar (closed vocabulary, declared in the cascade): most digits come back (measured 7 of 10).
        Path grammar = Files.createTempFile("digits", ".gram");
        Files.writeString(grammar, "#JSGF V1.0;\ngrammar digits;\npublic <digits> = ( zero | oh | one | two | three "
                + "| four | five | six | seven | eight | nine | ten )+ ;\n");
        MediaTranscriber digits = Cascades.transcriber(new CascadeSpec(Modality.AUDIO, "pocketsphinx",
                Map.of("jsgf", grammar.toString())));
        String text = digits.transcribe(event(Modality.AUDIO, ogg));
        assertThat(wordRecall(said, text)).as(text).isGreaterThanOrEqualTo(0.5);
        assertThat(digits.version()).contains("jsgf").isNotEqualTo(generic.version());

        // a real recording (FSDD, 8 kHz WAV) is resampled and runs through the recogniser
        Path fsdd = sharedData().resolve("fsdd/recordings/3_jackson_0.wav");
        if (Files.exists(fsdd)) {
            assertThat(digits.transcribe(event(Modality.AUDIO, Files.readAllBytes(fsdd)))).isNotNull();
        }
    }

    @Test
    void brokenMediaFailPermanentlyWithThePreciseReason() throws Exception {
        assumeTools("tesseract", "ffmpeg", "ffprobe", "pocketsphinx_continuous");
        byte[] png = MediaFixtures.png(MediaFixtures.textImage(SLIDE_1, 320, 120));
        byte[] truncatedPng = Arrays.copyOf(png, png.length / 2);
        byte[] noise = new byte[4096];
        new java.util.Random(7).nextBytes(noise);

        assertThatThrownBy(() -> Cascades.transcriber(new CascadeSpec(Modality.IMAGE, "tesseract", Map.of()))
                .transcribe(event(Modality.IMAGE, truncatedPng)))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("cannot decode")
                .hasMessageContaining("png");
        assertThatThrownBy(() -> Cascades.transcriber(new CascadeSpec(Modality.IMAGE, "tesseract", Map.of("maxPixels", "1000")))
                .transcribe(event(Modality.IMAGE, png)))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("exceeds the limit of 1000");
        assertThatThrownBy(() -> Cascades.transcriber(new CascadeSpec(Modality.DOCUMENT, "tesseract", Map.of()))
                .transcribe(event(Modality.DOCUMENT, noise)))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("document: 4096 bytes are in no supported format");
        byte[] pdfHeaderThenNoise = Arrays.copyOf("%PDF-1.7\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 4096);
        System.arraycopy(noise, 0, pdfHeaderThenNoise, 9, 4096 - 9);
        assertThatThrownBy(() -> Cascades.transcriber(new CascadeSpec(Modality.DOCUMENT, "tesseract", Map.of()))
                .transcribe(event(Modality.DOCUMENT, pdfHeaderThenNoise)))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("as PDF");
        assertThatThrownBy(() -> Cascades.transcriber(new CascadeSpec(Modality.VIDEO, "tesseract", Map.of()))
                .transcribe(event(Modality.VIDEO, noise)))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("video: 4096 bytes are in no supported format");
        byte[] truncatedMp4 = Arrays.copyOf(MediaFixtures.slideVideo(List.of(MediaFixtures.textImage(SLIDE_1, 320, 180)),
                1, "mp4"), 2000);
        assertThatThrownBy(() -> Cascades.transcriber(new CascadeSpec(Modality.VIDEO, "tesseract", Map.of()))
                .transcribe(event(Modality.VIDEO, truncatedMp4)))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("video: ffprobe cannot read it");
        assertThatThrownBy(() -> Cascades.transcriber(new CascadeSpec(Modality.AUDIO, "pocketsphinx", Map.of()))
                .transcribe(event(Modality.AUDIO, png)))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("audio");
        assertThatThrownBy(() -> Cascades.transcriber(new CascadeSpec(Modality.IMAGE, "tesseract", Map.of()))
                .transcribe(MediaEvent.newBuilder(event(Modality.IMAGE, png)).setPayload(null).setUri("s3://b/k").build()))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("its uri was not fetched");
    }

    @Test
    void everySettingIsPartOfTheTranscriberVersion() {
        assumeTools("tesseract");
        String psm3 = Cascades.transcriber(new CascadeSpec(Modality.DOCUMENT, "tesseract", Map.of("psm", "3"))).version();
        String psm6 = Cascades.transcriber(new CascadeSpec(Modality.DOCUMENT, "tesseract", Map.of("psm", "6"))).version();
        String dpi = Cascades.transcriber(new CascadeSpec(Modality.DOCUMENT, "tesseract", Map.of("dpi", "300"))).version();
        assertThat(psm3).contains("tesseract 5").isNotEqualTo(psm6).isNotEqualTo(dpi);
    }

    static MediaEvent event(Modality modality, byte[] payload) {
        return MediaEvent.newBuilder().setContentId("c1").setModality(modality).setPayload(ByteBuffer.wrap(payload))
                .setEventTimeMs(1L).build();
    }

    static Path sharedData() {
        return Path.of(System.getProperty("omnistream.shared.dir", "../../shared")).resolve("data");
    }
}
