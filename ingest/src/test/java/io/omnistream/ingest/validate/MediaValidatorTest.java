package io.omnistream.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.ingest.TestData;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MediaValidatorTest {
    private static final long NOW = 1_700_000_000_000L;
    private final MediaValidator validator = new MediaValidator(1024 * 1024, 1000, "default", new MediaTypes(),
            Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private MediaEvent accepted(MediaRequest r) {
        Validated v = validator.validate(r, "http");
        assertThat(v).as("%s", v).isInstanceOf(Validated.Accepted.class);
        return ((Validated.Accepted) v).event();
    }

    private Rejection rejected(MediaRequest r) {
        Validated v = validator.validate(r, "http");
        assertThat(v).as("%s", v).isInstanceOf(Validated.Rejected.class);
        return ((Validated.Rejected) v).rejection();
    }

    @Test
    void acceptsTextWithDefaultsFilledIn() {
        MediaEvent e = accepted(MediaRequest.text("doc-1", "Vitamin D deficiency increases the risk of tuberculosis."));
        assertThat(e.getModality()).isEqualTo(Modality.TEXT);
        assertThat(e.getTenant()).isEqualTo("default");
        assertThat(e.getSource()).isEqualTo("http");
        assertThat(e.getEventTimeMs()).isEqualTo(NOW);
        assertThat(e.getMimeType()).isEqualTo("text/plain");
        assertThat(e.getPayload()).isNull();
        assertThat(e.getContentHash()).hasSize(64);
    }

    @Test
    void acceptsRealImagesAndAudioWithTheDetectedType() {
        MediaEvent png = accepted(new MediaRequest("img-1", "t1", "image", "a nickel", b64(TestData.bytes(TestData.PNG)),
                null, "image/jpeg", null, "feed", 42L));
        assertThat(png.getMimeType()).as("detected type wins over the declared one").isEqualTo("image/png");
        assertThat(png.getPayload().remaining()).isEqualTo(TestData.bytes(TestData.PNG).length);
        assertThat(png.getTenant()).isEqualTo("t1");
        assertThat(png.getEventTimeMs()).isEqualTo(42L);
        assertThat(accepted(MediaRequest.payload("img-2", "IMAGE", b64(TestData.bytes(TestData.JPEG)))).getMimeType())
                .isEqualTo("image/jpeg");
        assertThat(accepted(MediaRequest.payload("aud-1", "AUDIO", b64(TestData.bytes(TestData.WAV)))).getMimeType())
                .isEqualTo("audio/vnd.wave");
        assertThat(accepted(MediaRequest.payload("aud-2", "AUDIO", b64(TestData.bytes(TestData.OGG)))).getMimeType())
                .isEqualTo("audio/vorbis");
    }

    @Test
    void truncatedImageWithIntactHeaderIsAcceptedForTheEncoderToJudge() {
        byte[] png = TestData.bytes(TestData.PNG);
        MediaEvent e = accepted(MediaRequest.payload("img-t", "IMAGE", b64(Arrays.copyOf(png, 100))));
        assertThat(e.getMimeType()).isEqualTo("image/png");
    }

    @Test
    void acceptsUriEventsWithoutDetecting() {
        MediaEvent e = accepted(new MediaRequest("v-1", null, "VIDEO", null, null, "https://media.example.com/clip.mp4",
                "video/mp4", null, null, null));
        assertThat(e.getUri()).isEqualTo("https://media.example.com/clip.mp4");
        assertThat(e.getMimeType()).isNull();
    }

    @Test
    void refusesUrisTheEncoderWouldNotFetch() {
        for (String uri : new String[] {"http://media.example.com/a.png", "file:///etc/passwd", "s3://bucket/a.png",
                "gs://bucket/a.png", "ftp://media.example.com/a.png", "/a.png", "https:///a.png",
                "https://user:pw@media.example.com/a.png", "https://" + "a".repeat(MediaValidator.MAX_URI_CHARS) + ".com/"}) {
            Rejection r = rejected(new MediaRequest("u-1", null, "IMAGE", null, null, uri, null, null, null, null));
            assertThat(r.reason()).as(uri).isEqualTo(RejectionReason.INVALID_FIELD);
            assertThat(r.message()).as(uri).containsAnyOf("scheme one of [https]", "user info", "no (valid) host",
                    "longer than");
        }
    }

    @Test
    void missingField() {
        assertThat(rejected(MediaRequest.text(null, "x")).reason()).isEqualTo(RejectionReason.MISSING_FIELD);
        assertThat(rejected(MediaRequest.text("  ", "x")).reason()).isEqualTo(RejectionReason.MISSING_FIELD);
        assertThat(rejected(new MediaRequest("a", null, null, "x", null, null, null, null, null, null)).reason())
                .isEqualTo(RejectionReason.MISSING_FIELD);
        assertThat(rejected(MediaRequest.text("a", " ")).reason()).isEqualTo(RejectionReason.MISSING_FIELD);
        Rejection noPayload = rejected(MediaRequest.payload("a", "IMAGE", null));
        assertThat(noPayload.reason()).isEqualTo(RejectionReason.MISSING_FIELD);
        assertThat(noPayload.httpStatus()).isEqualTo(400);
        assertThat(noPayload.code()).isEqualTo("missing_field");
    }

    @Test
    void invalidField() {
        assertThat(rejected(MediaRequest.text("has space", "x")).message()).contains("U+0020");
        assertThat(rejected(MediaRequest.text("tab\there", "x")).reason()).isEqualTo(RejectionReason.INVALID_FIELD);
        assertThat(rejected(MediaRequest.text("x".repeat(513), "x")).reason()).isEqualTo(RejectionReason.INVALID_FIELD);
        assertThat(accepted(MediaRequest.text("x".repeat(512), "x")).getContentId()).hasSize(512);
        assertThat(accepted(MediaRequest.text("<dbpedia:Arènes_de_Lutèce>", "x")).getContentId()).contains("è");
        assertThat(rejected(new MediaRequest("a", null, "HOLOGRAM", "x", null, null, null, null, null, null)).message())
                .contains("HOLOGRAM").contains("TEXT");
        assertThat(rejected(new MediaRequest("a", null, "TEXT", "x", "aGVsbG8=", null, null, null, null, null)).reason())
                .isEqualTo(RejectionReason.INVALID_FIELD);
        assertThat(rejected(new MediaRequest("a", null, "IMAGE", null, b64(TestData.bytes(TestData.PNG)),
                "https://x/y.png", null, null, null, null)).reason()).isEqualTo(RejectionReason.INVALID_FIELD);
        assertThat(rejected(new MediaRequest("a", null, "IMAGE", null, null, "file:///etc/passwd", null, null, null, null))
                .reason()).isEqualTo(RejectionReason.INVALID_FIELD);
        assertThat(rejected(new MediaRequest("a", null, "IMAGE", null, null, "relative/path.png", null, null, null, null))
                .reason()).isEqualTo(RejectionReason.INVALID_FIELD);
        assertThat(rejected(new MediaRequest("a", null, "TEXT", "x", null, null, null, null, null, -1L)).reason())
                .isEqualTo(RejectionReason.INVALID_FIELD);
        assertThat(rejected(new MediaRequest("a", "bad tenant", "TEXT", "x", null, null, null, null, null, null)).message())
                .startsWith("tenant");
    }

    @Test
    void invalidBase64() {
        String good = b64(TestData.bytes(TestData.PNG));
        // cut to length 4k+1: the last base64 unit has too few bits to be a truncated-but-valid encoding
        String truncated = good.substring(0, 4 * 20 + 1);
        Rejection r = rejected(MediaRequest.payload("a", "IMAGE", truncated));
        assertThat(r.reason()).isEqualTo(RejectionReason.INVALID_BASE64);
        assertThat(r.code()).isEqualTo("invalid_base64");
        assertThat(rejected(MediaRequest.payload("a", "IMAGE", "not*base64!")).reason()).isEqualTo(RejectionReason.INVALID_BASE64);
    }

    @Test
    void payloadTooLargeBeforeAndAfterDecoding() {
        MediaValidator small = new MediaValidator(1000, 1000, "default", new MediaTypes(), Clock.systemUTC());
        byte[] jpeg = TestData.bytes(TestData.JPEG);
        Validated v = small.validate(MediaRequest.payload("a", "IMAGE", b64(jpeg)), "http");
        assertThat(((Validated.Rejected) v).rejection().reason()).isEqualTo(RejectionReason.PAYLOAD_TOO_LARGE);
        assertThat(((Validated.Rejected) v).rejection().httpStatus()).isEqualTo(413);
        // exactly at the limit is fine
        Validated atLimit = small.validate(MediaRequest.payload("a", "IMAGE", b64(Arrays.copyOf(jpeg, 1000))), "http");
        assertThat(atLimit).isInstanceOf(Validated.Accepted.class);
        Validated over = small.validate(MediaRequest.payload("a", "IMAGE", b64(Arrays.copyOf(jpeg, 1001))), "http");
        assertThat(((Validated.Rejected) over).rejection().reason()).isEqualTo(RejectionReason.PAYLOAD_TOO_LARGE);
    }

    @Test
    void textTooLongCountsCodePoints() {
        String emoji = "\uD83D\uDE00"; // one code point, two chars
        assertThat(accepted(MediaRequest.text("a", emoji.repeat(1000))).getText()).hasSize(2000);
        assertThat(rejected(MediaRequest.text("a", emoji.repeat(1001))).reason()).isEqualTo(RejectionReason.TEXT_TOO_LONG);
        assertThat(rejected(new MediaRequest("a", null, "TEXT", "x", null, null, null, "i".repeat(1001), null, null))
                .message()).startsWith("instruction");
    }

    @Test
    void unsupportedMediaForRandomBytes() {
        byte[] random = new byte[4096];
        new Random(7).nextBytes(random);
        Rejection r = rejected(MediaRequest.payload("a", "IMAGE", b64(random)));
        assertThat(r.reason()).isEqualTo(RejectionReason.UNSUPPORTED_MEDIA);
        assertThat(r.httpStatus()).isEqualTo(415);
        assertThat(r.message()).contains("application/octet-stream");
    }

    @Test
    void modalityMismatchNamesTheDetectedType() {
        Rejection pngAsAudio = rejected(MediaRequest.payload("a", "AUDIO", b64(TestData.bytes(TestData.PNG))));
        assertThat(pngAsAudio.reason()).isEqualTo(RejectionReason.MODALITY_MISMATCH);
        assertThat(pngAsAudio.httpStatus()).isEqualTo(422);
        assertThat(pngAsAudio.message()).contains("image/png").contains("AUDIO");
        assertThat(rejected(MediaRequest.payload("a", "IMAGE", b64(TestData.bytes(TestData.WAV)))).message())
                .contains("audio/vnd.wave");
        assertThat(rejected(MediaRequest.payload("a", "VIDEO", b64(TestData.bytes(TestData.JPEG)))).reason())
                .isEqualTo(RejectionReason.MODALITY_MISMATCH);
        byte[] pdf = "%PDF-1.4\n1 0 obj\n<< >>\nendobj\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(rejected(MediaRequest.payload("a", "IMAGE", b64(pdf))).message()).contains("application/pdf");
        assertThat(accepted(MediaRequest.payload("a", "DOCUMENT", b64(pdf))).getMimeType()).isEqualTo("application/pdf");
    }

    @Test
    void hashDependsOnContentNotOnSourceOrTime() {
        MediaEvent a = accepted(new MediaRequest("a", null, "TEXT", "same", null, null, null, null, "x", 1L));
        MediaEvent b = accepted(new MediaRequest("a", null, "TEXT", "same", null, null, null, null, "y", 2L));
        MediaEvent c = accepted(new MediaRequest("a", null, "TEXT", "same", null, null, null, "query: ", "x", 1L));
        assertThat(a.getContentHash()).isEqualTo(b.getContentHash()).isNotEqualTo(c.getContentHash());
    }
}
