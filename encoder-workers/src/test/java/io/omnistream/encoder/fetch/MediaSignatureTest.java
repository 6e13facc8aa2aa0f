package io.omnistream.encoder.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.schemas.avro.Modality;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Signatures of real files from shared/data (their type is what the data set says they are) and hostile look-alikes. */
class MediaSignatureTest {

    private static byte[] shared(String relative) throws Exception {
        Path path = Path.of(System.getProperty("omnistream.shared.dir", "../shared"), "data", relative);
        Assumptions.assumeTrue(Files.exists(path), "real data not found at " + path);
        return Files.readAllBytes(path);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "coco-mini/val2017/000000000139.jpg, image/jpeg, IMAGE",
            "tuxpaint-stamps/animals/marsupials/koala.png, image/png, IMAGE",
            "tuxpaint-stamps/animals/marsupials/koala_desc.ogg, audio/ogg, AUDIO",
            "fsdd/recordings/0_george_0.wav, audio/wav, AUDIO",
    })
    void recognisesRealFiles(String file, String type, Modality modality) throws Exception {
        byte[] bytes = shared(file);
        assertThat(MediaSignature.sniff(bytes)).isEqualTo(type);
        assertThat(MediaSignature.sniffedTypeFits(modality, type)).isTrue();
        assertThat(MediaSignature.sniffedTypeFits(Modality.DOCUMENT, type)).isFalse();
    }

    @Test
    void refusesWhatNoDecoderShouldSee() {
        for (String text : new String[] {"#EXTM3U\n#EXT-X-VERSION:3\nhttp://169.254.169.254/\n", "<html></html>",
                "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>", "PK\u0003\u0004zip", ""}) {
            String sniffed = MediaSignature.sniff(text.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(sniffed).as(text).isEqualTo(MediaSignature.UNKNOWN);
            for (Modality m : Modality.values()) {
                assertThat(MediaSignature.sniffedTypeFits(m, sniffed)).isFalse();
            }
        }
        assertThat(MediaSignature.sniff("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo("application/pdf");
        assertThat(MediaSignature.sniffedTypeFits(Modality.IMAGE, "application/pdf")).isFalse();
    }

    @Test
    void declaredTypesMustNameTheModalitysMedia() {
        assertThat(MediaSignature.declaredTypeFits(Modality.IMAGE, "Image/JPEG; charset=binary")).isTrue();
        assertThat(MediaSignature.declaredTypeFits(Modality.IMAGE, "image/svg+xml")).isFalse();
        assertThat(MediaSignature.declaredTypeFits(Modality.IMAGE, "application/octet-stream")).isFalse();
        assertThat(MediaSignature.declaredTypeFits(Modality.AUDIO, "audio/ogg")).isTrue();
        assertThat(MediaSignature.declaredTypeFits(Modality.AUDIO, "application/ogg")).isTrue();
        assertThat(MediaSignature.declaredTypeFits(Modality.AUDIO, "audio/x-mpegurl")).isFalse();
        assertThat(MediaSignature.declaredTypeFits(Modality.VIDEO, "video/mp4")).isTrue();
        assertThat(MediaSignature.declaredTypeFits(Modality.VIDEO, "application/vnd.apple.mpegurl")).isFalse();
        assertThat(MediaSignature.declaredTypeFits(Modality.VIDEO, "video/x-mpegurl")).isFalse();
        assertThat(MediaSignature.declaredTypeFits(Modality.DOCUMENT, "application/pdf")).isTrue();
        assertThat(MediaSignature.declaredTypeFits(Modality.DOCUMENT, "text/html")).isFalse();
        assertThat(MediaSignature.declaredTypeFits(Modality.TEXT, "text/plain")).isFalse();
    }
}
