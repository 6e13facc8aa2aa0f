package io.omnistream.ingest.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.ingest.validate.MediaRequestParser;
import io.omnistream.ingest.validate.RejectionReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlMediaFileTest {
    @Test
    void streamsItemsAndKeepsGoingPastABadLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");
        Files.writeString(file, """
                {"contentId":"a","modality":"TEXT","text":"hello"}

                not json
                {"contentId":"b","modality":"IMAGE","uri":"https://example.org/b.png","tenant":"t"}
                """);
        List<MediaRequestParser.Item> items;
        try (Stream<MediaRequestParser.Item> s = new JsonlMediaFile(file, 1 << 20).items()) {
            items = s.toList();
        }
        assertThat(items).hasSize(3);
        assertThat(items.get(0).request().text()).isEqualTo("hello");
        assertThat(items.get(1).rejection().reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
        assertThat(items.get(2).request().uri()).isEqualTo("https://example.org/b.png");
        assertThat(items.get(2).request().tenant()).isEqualTo("t");
    }
}
