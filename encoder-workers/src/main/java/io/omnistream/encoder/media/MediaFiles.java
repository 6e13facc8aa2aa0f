package io.omnistream.encoder.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.encoder.cascade.ExternalTool;
import io.omnistream.encoder.cascade.ToolSandbox;
import io.omnistream.runtime.error.PermanentFailureException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Media bytes in a temp file for ffmpeg / ffprobe (they seek, so a pipe will not do for MP4), and probing it. */
final class MediaFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MediaFiles() {}

    /** A temp file in the tool sandbox's directory holding {@code bytes}; the caller deletes it ({@link #delete}). */
    static Path tempFile(byte[] bytes, String suffix) {
        try {
            Path file = ToolSandbox.current().newTempFile(suffix);
            try {
                Files.write(file, bytes);
            } catch (IOException e) {
                ExternalTool.deleteQuietly(file);
                throw e;
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write media to a temp file", e);
        }
    }

    static void delete(Path file) {
        ExternalTool.deleteQuietly(file);
    }

    /** The tool's last stderr line with the temp file's path replaced by "input" (the path means nothing to a reader). */
    static String toolError(ExternalTool.Result r, Path file) {
        return r.stderrLastLine().replace(file.toString(), "input");
    }

    /** {@code ffmpeg version 5.1.9-0+deb12u1}; {@link io.omnistream.encoder.cascade.ToolUnavailableException} without ffmpeg. */
    static String ffmpegVersion() {
        return ExternalTool.versionLine(List.of("ffmpeg", "-version")).replaceFirst(" Copyright.*", "");
    }

    /** What ffprobe says about a file's first stream of one type. */
    record Probe(String container, double durationSeconds, double startSeconds, String codec, int width, int height) {}

    /**
     * Probes the first {@code "v"} (video) or {@code "a"} (audio) stream and the container, read with the demuxer of
     * {@code input} only (see {@link MediaSniffer.Format#ffmpegInput}).
     *
     * @throws PermanentFailureException if ffprobe cannot read the file, it has no such stream or no duration
     */
    static Probe probe(Path file, MediaSniffer.Format input, String streamType, Duration timeout, String what) {
        List<String> command = new ArrayList<>(List.of("ffprobe", "-v", "error"));
        command.addAll(input.ffmpegInput(file));
        command.addAll(List.of("-select_streams", streamType + ":0", "-show_entries",
                "stream=codec_name,width,height:format=duration,start_time,format_name", "-of", "json"));
        ExternalTool.Result r = ExternalTool.run(command, null, timeout, 1 << 20);
        if (r.exitCode() != 0) {
            throw new PermanentFailureException("preprocess", what + ": ffprobe cannot read it: " + toolError(r, file));
        }
        JsonNode root;
        try {
            root = JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new PermanentFailureException("preprocess", what + ": unreadable ffprobe output: " + e.getMessage(), e);
        }
        JsonNode format = root.path("format");
        String container = format.path("format_name").asText("?");
        JsonNode stream = root.path("streams").path(0);
        if (stream.isMissingNode()) {
            throw new PermanentFailureException("preprocess", what + ": no " + ("v".equals(streamType) ? "video" : "audio")
                    + " stream (container " + container + ")");
        }
        double duration = format.path("duration").asDouble(Double.NaN);
        if (!(duration > 0)) {
            throw new PermanentFailureException("preprocess", what + ": ffprobe reports no duration (container "
                    + container + ")");
        }
        double start = format.path("start_time").asDouble(0.0);
        return new Probe(container, duration, Double.isFinite(start) ? start : 0.0, stream.path("codec_name").asText("?"),
                stream.path("width").asInt(0), stream.path("height").asInt(0));
    }
}
