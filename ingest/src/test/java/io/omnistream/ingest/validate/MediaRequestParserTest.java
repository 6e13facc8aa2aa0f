package io.omnistream.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MediaRequestParserTest {
    private final MediaRequestParser parser = new MediaRequestParser(1 << 20, 3);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parsesEveryField() {
        MediaRequestParser.Item item = parser.parseSingle(utf8("""
                {"contentId":"c1","tenant":"t","modality":"IMAGE","text":"cap","payloadBase64":"AAA=","uri":null,
                 "mimeType":"image/png","instruction":"i","source":"s","eventTimeMs":123,"unknown":{"x":1}}"""));
        assertThat(item.ok()).isTrue();
        assertThat(item.request()).isEqualTo(new MediaRequest("c1", "t", "IMAGE", "cap", "AAA=", null, "image/png", "i", "s", 123L));
    }

    @Test
    void malformedJsonAndNonObjects() {
        assertThat(parser.parseSingle(utf8("{\"contentId\":")).rejection().reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
        assertThat(parser.parseSingle(utf8("{} {}")).rejection().reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
        assertThat(parser.parseSingle(utf8("[1]")).rejection().reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
        assertThat(parser.parseSingle(new byte[0]).rejection().reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
        assertThat(parser.parseSingle(utf8("{\"a\":1,\"a\":2}")).rejection().reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
    }

    @Test
    void wrongFieldTypesAreInvalidField() {
        assertThat(parser.parseSingle(utf8("{\"contentId\":5}")).rejection().message()).contains("contentId");
        assertThat(parser.parseSingle(utf8("{\"eventTimeMs\":\"now\"}")).rejection().reason())
                .isEqualTo(RejectionReason.INVALID_FIELD);
        assertThat(parser.parseSingle(utf8("{\"eventTimeMs\":1.5}")).rejection().reason())
                .isEqualTo(RejectionReason.INVALID_FIELD);
    }

    @Test
    void batchAsArray() {
        MediaRequestParser.Batch b = parser.parseBatch(utf8(" [{\"contentId\":\"a\"}, 7, {\"contentId\":\"b\"}]"), false);
        assertThat(b.rejection()).isNull();
        assertThat(b.items()).hasSize(3);
        assertThat(b.items().get(1).rejection().reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
        assertThat(parser.parseBatch(utf8("[{\"contentId\":\"a\"},"), false).rejection().reason())
                .isEqualTo(RejectionReason.MALFORMED_JSON);
    }

    @Test
    void batchAsNdjsonRejectsOnlyTheBadLine() {
        MediaRequestParser.Batch b = parser.parseBatch(utf8("{\"contentId\":\"a\"}\n\n{oops\r\n{\"contentId\":\"c\"}\n"), true);
        assertThat(b.items()).hasSize(3);
        assertThat(b.items().get(0).request().contentId()).isEqualTo("a");
        assertThat(b.items().get(1).rejection().reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
        assertThat(b.items().get(2).request().contentId()).isEqualTo("c");
    }

    @Test
    void batchLimits() {
        assertThat(parser.parseBatch(utf8("[{},{},{},{}]"), false).rejection().reason()).isEqualTo(RejectionReason.TOO_MANY_ITEMS);
        assertThat(parser.parseBatch(utf8("{}\n{}\n{}\n{}\n"), true).rejection().reason()).isEqualTo(RejectionReason.TOO_MANY_ITEMS);
        assertThat(parser.parseBatch(utf8("  \n "), true).rejection().reason()).isEqualTo(RejectionReason.MISSING_FIELD);
        assertThat(parser.parseBatch(utf8("[]"), false).rejection().reason()).isEqualTo(RejectionReason.MISSING_FIELD);
    }
}
