package io.omnistream.encoder.cascade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.encoder.media.MediaSniffer;
import io.omnistream.runtime.error.PermanentFailureException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ffmpeg / ffprobe CLIs: probing, frame extraction and audio conversion of media held in temp files. Every input
 * is opened with the demuxer of its sniffed format and the file protocol only ({@link MediaSniffer.Format#ffmpegInput}),
 * never probed.
 */
final class Ffmpeg {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_FRAME_BYTES = 64 << 20;

    private final Duration timeout;
    private final String version;

    Ffmpeg(Duration timeout) {
        this.timeout = timeout;
        this.version = ExternalTool.versionLine(List.of("ffmpeg", "-version")).replaceFirst(" Copyright.*", "");
    }

    /** e.g. {@code ffmpeg version 5.1.9-0+deb12u1}. */
    String version() {
        return version;
    }

    /** Duration in seconds of the media's first stream of {@code streamType} ("v" or "a"), from the container. */
    double durationSeconds(Path media, MediaSniffer.Format format, String streamType, String what) {
        List<String> command = new ArrayList<>(List.of("ffprobe", "-v", "error"));
        command.addAll(format.ffmpegInput(media));
        command.addAll(List.of("-select_streams", streamType + ":0", "-show_entries",
                "stream=codec_type:format=duration,format_name", "-of", "json"));
        ExternalTool.Result r = ExternalTool.run(command, null, timeout, 1 << 20);
        if (r.exitCode() != 0) {
            throw new PermanentFailureException("preprocess", what + ": ffprobe cannot read it: " + error(r, media));
        }
        try {
            JsonNode root = JSON.readTree(r.stdout());
            if (!root.path("streams").elements().hasNext()) {
                throw new PermanentFailureException("preprocess", what + ": no " + ("v".equals(streamType) ? "video"
                        : "audio") + " stream (container " + root.path("format").path("format_name").asText("?") + ")");
            }
            double seconds = root.path("format").path("duration").asDouble(Double.NaN);
            if (!(seconds > 0)) {
                throw new PermanentFailureException("preprocess", what + ": ffprobe reports no duration");
            }
            return seconds;
        } catch (IOException e) {
            throw new PermanentFailureException("preprocess", what + ": unreadable ffprobe output: " + e.getMessage(), e);
        }
    }

    /** The frame shown at {@code seconds}, as PNG, scaled down to at most {@code maxSide} pixels on its long side. */
    byte[] frameAt(Path video, MediaSniffer.Format format, double seconds, int maxSide, String what) {
        String scale = String.format(Locale.ROOT,
                "scale='if(gt(iw,ih),min(%d,iw),-2)':'if(gt(iw,ih),-2,min(%d,ih))'", maxSide, maxSide);
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-nostdin", "-ss",
                String.format(Locale.ROOT, "%.3f", seconds)));
        command.addAll(format.ffmpegInput(video));
        command.addAll(List.of("-frames:v", "1", "-vf", scale, "-f", "image2pipe", "-vcodec", "png", "-"));
        ExternalTool.Result r = ExternalTool.run(command, null, timeout, MAX_FRAME_BYTES);
        if (r.exitCode() != 0 || r.stdout().length == 0) {
            throw new PermanentFailureException("preprocess", what + ": ffmpeg could not decode a frame at "
                    + String.format(Locale.ROOT, "%.2f", seconds) + " s: " + error(r, video));
        }
        return r.stdout();
    }

    /**
     * Converts any audio ffmpeg reads to 16 kHz mono 16-bit PCM WAV (what the speech recogniser expects), at most
     * {@code maxSeconds} of it ({@code -t}: decoding stops there, however long the input is).
     */
    void toWav16kMono(Path in, MediaSniffer.Format format, Path out, double maxSeconds, String what) {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-nostdin", "-y"));
        command.addAll(format.ffmpegInput(in));
        command.addAll(List.of("-t", String.format(Locale.ROOT, "%.3f", maxSeconds), "-vn", "-ac", "1", "-ar", "16000",
                "-sample_fmt", "s16", "-f", "wav", out.toString()));
        ExternalTool.Result r = ExternalTool.run(command, null, timeout, 1 << 20);
        if (r.exitCode() != 0) {
            throw new PermanentFailureException("preprocess", what + ": ffmpeg cannot decode the audio: "
                    + error(r, in));
        }
    }

    /** The tool's last stderr line with the temp file's path replaced by "input" (the path means nothing to a reader). */
    private static String error(ExternalTool.Result r, Path file) {
        return r.stderrLastLine().replace(file.toString(), "input");
    }
}
