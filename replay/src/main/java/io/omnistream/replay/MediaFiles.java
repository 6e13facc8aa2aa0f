package io.omnistream.replay;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** MIME hints from file extensions (informational only: ingest and the replay plan detect the type from the bytes). */
final class MediaFiles {
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("webp", "image/webp"), Map.entry("gif", "image/gif"), Map.entry("bmp", "image/bmp"),
            Map.entry("pdf", "application/pdf"), Map.entry("wav", "audio/vnd.wave"), Map.entry("ogg", "audio/vorbis"),
            Map.entry("mp3", "audio/mpeg"), Map.entry("flac", "audio/x-flac"), Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"), Map.entry("mkv", "video/x-matroska"));

    private MediaFiles() {}

    static String mimeHint(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? null : BY_EXTENSION.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Resolves {@code relative} against {@code root}, refusing paths that escape the root ("../", absolute). */
    static Path resolveUnder(Path root, String relative) {
        Path base = root.toAbsolutePath().normalize();
        Path p = base.resolve(relative).normalize();
        if (!p.startsWith(base)) {
            throw new IllegalArgumentException("media path '" + relative + "' escapes its root " + base);
        }
        return p;
    }
}
