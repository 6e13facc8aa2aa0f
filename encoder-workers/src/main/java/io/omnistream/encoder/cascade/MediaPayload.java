package io.omnistream.encoder.cascade;

import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.MediaEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The inline media bytes of an event, for the cascades. They never fetch {@code uri} media themselves: the worker
 * fetches it first ({@code io.omnistream.encoder.fetch.MediaFetcher}) and hands them the event with the bytes inline.
 */
final class MediaPayload {
    private MediaPayload() {}

    /** The payload bytes, or a permanent failure naming what is missing. */
    static byte[] bytes(MediaEvent event) {
        ByteBuffer payload = event.getPayload();
        if (payload == null || !payload.hasRemaining()) {
            throw new PermanentFailureException("preprocess", event.getModality() + " event has no inline payload"
                    + (event.getUri() != null
                    ? " (its uri was not fetched: the encoder worker fetches uri media before this step)" : ""));
        }
        ByteBuffer copy = payload.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    /** Writes the payload to a new temp file (the caller deletes it) for tools that need a seekable file. */
    static Path toTempFile(byte[] bytes, String suffix) {
        try {
            Path file = Files.createTempFile("omnistream-media", suffix);
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a temp file for the media", e);
        }
    }
}
