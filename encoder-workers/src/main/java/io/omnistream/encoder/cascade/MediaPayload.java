package io.omnistream.encoder.cascade;

import io.omnistream.encoder.media.MediaSniffer;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.MediaEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The inline media bytes of an event, for the cascades and native towers, checked before anything decodes them: the
 * format sniffed from the bytes must be one the worker reads, fit the event's modality and agree with the event's
 * declared {@code mimeType} ({@link MediaSniffer#require}). Events can be written straight onto the topic, bypassing
 * ingest's own check, so neither is trusted. They never fetch {@code uri} media themselves: the worker fetches it
 * first ({@code io.omnistream.encoder.fetch.MediaFetcher}) and hands them the event with the bytes inline.
 */
final class MediaPayload {
    /** Payload bytes and the format their signature shows. */
    record Checked(byte[] bytes, MediaSniffer.Format format) {}

    private MediaPayload() {}

    /** The checked payload bytes, or a permanent failure naming what is missing or wrong. */
    static byte[] bytes(MediaEvent event) {
        return checked(event).bytes();
    }

    /** The payload bytes with their sniffed format, or a permanent failure naming what is missing or wrong. */
    static Checked checked(MediaEvent event) {
        ByteBuffer payload = event.getPayload();
        if (payload == null || !payload.hasRemaining()) {
            throw new PermanentFailureException("preprocess", event.getModality() + " event has no inline payload"
                    + (event.getUri() != null
                    ? " (its uri was not fetched: the encoder worker fetches uri media before this step)" : ""));
        }
        ByteBuffer copy = payload.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return new Checked(out, MediaSniffer.require(out, event.getModality(), event.getMimeType()));
    }

    /**
     * Writes the payload to a new temp file in the {@linkplain ToolSandbox#tempDir() sandbox's directory} (the caller
     * deletes it) for tools that need a seekable file.
     */
    static Path toTempFile(byte[] bytes, String suffix) {
        Path file = ToolSandbox.current().newTempFile(suffix);
        try {
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            ExternalTool.deleteQuietly(file);
            throw new UncheckedIOException("cannot write a temp file for the media", e);
        }
    }
}
