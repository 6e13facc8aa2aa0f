package io.omnistream.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.ingest.TestData;
import io.omnistream.schemas.avro.Modality;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** What tika-core alone detects from magic bytes, pinned so a Tika upgrade that changes it is noticed. */
class MediaTypesTest {
    private final MediaTypes types = new MediaTypes();

    @Test
    void realFiles() {
        assertThat(types.detect(TestData.bytes(TestData.PNG))).isEqualTo("image/png");
        assertThat(types.detect(TestData.bytes(TestData.JPEG))).isEqualTo("image/jpeg");
        assertThat(types.detect(TestData.bytes(TestData.WAV))).isEqualTo("audio/vnd.wave");
        assertThat(types.detect(TestData.bytes(TestData.OGG))).isEqualTo("audio/vorbis");
    }

    @Test
    void containerSignatures() {
        HexFormat hex = HexFormat.of();
        // ISO BMFF 'ftyp' box (MP4): tika-core reports video/quicktime without the parsers module
        byte[] mp4 = hex.parseHex("0000002066747970697336d00000020069736f6d69736f32617663316d703431");
        assertThat(types.detect(mp4)).isEqualTo("video/quicktime");
        // EBML header with DocType "webm"
        byte[] webm = hex.parseHex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d4287810442858102");
        assertThat(types.detect(webm)).isEqualTo("application/x-matroska");
        assertThat(types.detect(("RIFF\u0024\0\0\0WEBPVP8 " + "\0".repeat(20)).getBytes(StandardCharsets.ISO_8859_1)))
                .isEqualTo("image/webp");
        assertThat(types.detect("GIF89a\1\0\1\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1))).isEqualTo("image/gif");
        assertThat(types.detect(("ID3\3\0\0\0\0\0\0" + "\0".repeat(20)).getBytes(StandardCharsets.ISO_8859_1)))
                .isEqualTo("audio/mpeg");
        assertThat(types.detect("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo("application/pdf");
    }

    @Test
    void modalityFamilies() {
        assertThat(MediaTypes.modalitiesOf("image/png")).containsExactly(Modality.IMAGE);
        assertThat(MediaTypes.modalitiesOf("audio/vnd.wave")).containsExactly(Modality.AUDIO);
        assertThat(MediaTypes.modalitiesOf("video/quicktime")).containsExactly(Modality.VIDEO);
        assertThat(MediaTypes.modalitiesOf("application/x-matroska")).containsExactlyInAnyOrder(Modality.AUDIO, Modality.VIDEO);
        assertThat(MediaTypes.modalitiesOf("application/pdf")).containsExactly(Modality.DOCUMENT);
        assertThat(MediaTypes.modalitiesOf("application/octet-stream")).isEmpty();
    }
}
