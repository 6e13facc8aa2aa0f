package io.omnistream.ingest.load;

import io.omnistream.ingest.validate.MediaRequestParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A JSON Lines file of media requests shaped like the API's {@code POST /v1/media} body (contentId, modality, text,
 * payloadBase64, uri, ...). Streams one parsed item per non-blank line; a malformed line becomes an item carrying its
 * rejection rather than aborting the file, so a loader can report it and go on. Field rules are not checked here: the
 * server validates.
 */
public final class JsonlMediaFile {
    private final Path file;
    private final MediaRequestParser parser;

    /** @param maxLineBytes longest line accepted (Jackson's string limit is raised to it for base64 payloads) */
    public JsonlMediaFile(Path file, long maxLineBytes) {
        this.file = file;
        this.parser = new MediaRequestParser(maxLineBytes, 1);
    }

    /** Close the stream (try-with-resources) to release the file. */
    public Stream<MediaRequestParser.Item> items() throws IOException {
        BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        return reader.lines().filter(l -> !l.isBlank())
                .map(l -> parser.parseSingle(l.getBytes(StandardCharsets.UTF_8)))
                .onClose(() -> {
                    try {
                        reader.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}
