package io.omnistream.ingest.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.schemas.avro.Modality;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ContentHasherTest {
    @Test
    void isSha256OfTheLengthPrefixedFields() throws Exception {
        // independent recomputation of the documented framing: tag, int32 length (-1 absent), bytes
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        frame(d, 't', "default");
        frame(d, 'm', "TEXT");
        frame(d, 'p', null);
        frame(d, 'u', null);
        frame(d, 'x', "hello");
        frame(d, 'i', null);
        assertThat(ContentHasher.hash("default", Modality.TEXT, null, null, "hello", null))
                .isEqualTo(HexFormat.of().formatHex(d.digest()))
                .hasSize(64);
    }

    @Test
    void everyFieldChangesTheHashAndBoundariesAreUnambiguous() {
        String base = ContentHasher.hash("t", Modality.TEXT, null, null, "ab", "c");
        assertThat(ContentHasher.hash("t", Modality.TEXT, null, null, "a", "bc")).isNotEqualTo(base);
        assertThat(ContentHasher.hash("u", Modality.TEXT, null, null, "ab", "c")).isNotEqualTo(base);
        assertThat(ContentHasher.hash("t", Modality.DOCUMENT, null, null, "ab", "c")).isNotEqualTo(base);
        assertThat(ContentHasher.hash("t", Modality.TEXT, null, null, "ab", null)).isNotEqualTo(base);
        assertThat(ContentHasher.hash("t", Modality.TEXT, null, null, "ab", "")).isNotEqualTo(
                ContentHasher.hash("t", Modality.TEXT, null, null, "ab", null));
        assertThat(ContentHasher.hash("t", Modality.IMAGE, new byte[] {1, 2}, null, null, null))
                .isNotEqualTo(ContentHasher.hash("t", Modality.IMAGE, new byte[] {1, 3}, null, null, null))
                .isEqualTo(ContentHasher.hash("t", Modality.IMAGE, new byte[] {1, 2}, null, null, null));
    }

    private static void frame(MessageDigest d, char tag, String value) {
        d.update((byte) tag);
        byte[] b = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        int len = b == null ? -1 : b.length;
        d.update(new byte[] {(byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len});
        if (b != null) {
            d.update(b);
        }
    }
}
