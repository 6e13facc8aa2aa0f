package io.omnistream.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.omnistream.schemas.avro.MediaEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Fuzzes what the ingest API does with a request body it has not seen: {@link MediaRequestParser} (one JSON object,
 * a JSON array, NDJSON) and then {@link MediaValidator#validate} on every item it parsed. Every input goes through
 * all three parse modes.
 *
 * <p>Invariants: nothing throws (bad input is a {@link Rejection}, never a 500); every item is either a request or
 * a rejection with a reason and a message; a batch is either items or one rejection, never more items than the
 * limit; an accepted event never carries a payload over the limit. Heap: the fuzzing JVM runs with
 * {@code fuzz.heap} (1 GiB), far above what inputs of at most {@link #MAX_REQUEST_BYTES} may cost, so an
 * OutOfMemoryError is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the seeds and regression inputs under
 * {@code src/test/resources/io/omnistream/ingest/validate/MediaRequestFuzzTestInputs/parseAndValidate/}.
 */
class MediaRequestFuzzTest {
    /** What the HTTP layer lets through to the parser in this test (the service's default is larger). */
    static final int MAX_REQUEST_BYTES = 64 * 1024;
    static final int MAX_BATCH_ITEMS = 16;
    static final int MAX_PAYLOAD_BYTES = 16 * 1024;
    static final int MAX_TEXT_CHARS = 1000;

    private static final MediaRequestParser PARSER = new MediaRequestParser(MAX_REQUEST_BYTES, MAX_BATCH_ITEMS);
    private static final MediaValidator VALIDATOR = new MediaValidator(MAX_PAYLOAD_BYTES, MAX_TEXT_CHARS, "default",
            new MediaTypes(), Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC));

    @FuzzTest
    @DictionaryEntries({"\"contentId\"", "\"tenant\"", "\"modality\"", "\"text\"", "\"payloadBase64\"", "\"uri\"",
            "\"mimeType\"", "\"instruction\"", "\"source\"", "\"eventTimeMs\"", "\"TEXT\"", "\"IMAGE\"", "\"AUDIO\"",
            "\"VIDEO\"", "\"DOCUMENT\"", "https://", "s3://", "file:", "iVBORw0KGgo", "/9j/", "UklGR", "JVBERi0",
            "\\u202e", "\\u0000", "\\ud800", "null", "[", "]", "{", "}"})
    void parseAndValidate(byte[] body) {
        if (body.length > MAX_REQUEST_BYTES) {
            return; // the HTTP layer answers 413 before parsing
        }
        check(PARSER.parseSingle(body));
        checkBatch(PARSER.parseBatch(body, false));
        checkBatch(PARSER.parseBatch(body, true));
    }

    private static void checkBatch(MediaRequestParser.Batch batch) {
        if (batch.rejection() != null) {
            assertThat(batch.items()).as("a rejected batch holds no items").isEmpty();
            assertThat(batch.rejection().message()).isNotBlank();
            return;
        }
        assertThat(batch.items()).isNotEmpty().hasSizeLessThanOrEqualTo(MAX_BATCH_ITEMS);
        batch.items().forEach(MediaRequestFuzzTest::check);
    }

    private static void check(MediaRequestParser.Item item) {
        if (!item.ok()) {
            assertThat(item.request()).as("a rejected item carries no request").isNull();
            assertThat(item.rejection().message()).isNotBlank();
            return;
        }
        assertThat(item.request()).isNotNull();
        Validated v = VALIDATOR.validate(item.request(), "http");
        if (v instanceof Validated.Rejected rejected) {
            assertThat(rejected.rejection().message()).isNotBlank();
            assertThat(rejected.rejection().httpStatus()).isBetween(400, 499);
        } else {
            MediaEvent event = ((Validated.Accepted) v).event();
            assertThat(event.getContentId()).isNotBlank();
            assertThat(event.getTenant()).isNotBlank();
            if (event.getPayload() != null) {
                assertThat(event.getPayload().remaining()).isBetween(1, MAX_PAYLOAD_BYTES);
            }
        }
    }
}
