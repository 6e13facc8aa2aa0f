package io.omnistream.encoder.fetch;

import io.omnistream.schemas.avro.Modality;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * What fetched bytes are, from their first bytes (magic numbers), and which types each modality accepts, from the
 * response's {@code Content-Type} and from the bytes. Deliberately small and local: only the containers the encoder's
 * decoders read are recognised, so anything else (an HLS playlist, HTML, SVG, a ZIP) is refused before a decoder or
 * ffmpeg sees it. Stateless.
 */
public final class MediaSignature {
    /** Sniffed type of bytes that match no known signature. */
    public static final String UNKNOWN = "application/octet-stream";

    private static final Set<String> IMAGE = Set.of("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp",
            "image/tiff");
    private static final Set<String> AUDIO = Set.of("audio/wav", "audio/ogg", "audio/flac", "audio/mpeg", "audio/mp4",
            "audio/webm");
    private static final Set<String> VIDEO = Set.of("video/mp4", "video/webm", "video/ogg", "video/x-msvideo");
    /** Containers that hold audio or video: accepted for both, the decoder dead-letters one without the stream. */
    private static final Set<String> AV_CONTAINERS = Set.of("video/mp4", "video/webm", "audio/ogg", "video/ogg",
            "audio/mp4", "audio/webm");

    private MediaSignature() {}

    /** The type of {@code bytes} by signature, or {@link #UNKNOWN}. */
    public static String sniff(byte[] b) {
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a)) {
            return "image/png";
        }
        if (startsWith(b, 0, 0xff, 0xd8, 0xff)) {
            return "image/jpeg";
        }
        if (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")) {
            return "image/gif";
        }
        if (ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) {
            return "image/webp";
        }
        if (ascii(b, 0, "BM") && b.length > 14) {
            return "image/bmp";
        }
        if (startsWith(b, 0, 'I', 'I', 0x2a, 0x00) || startsWith(b, 0, 'M', 'M', 0x00, 0x2a)) {
            return "image/tiff";
        }
        if (ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE")) {
            return "audio/wav";
        }
        if (ascii(b, 0, "RIFF") && ascii(b, 8, "AVI ")) {
            return "video/x-msvideo";
        }
        if (ascii(b, 0, "OggS")) {
            return "audio/ogg";
        }
        if (ascii(b, 0, "fLaC")) {
            return "audio/flac";
        }
        if (ascii(b, 0, "ID3") || (b.length > 1 && (b[0] & 0xff) == 0xff && (b[1] & 0xe0) == 0xe0)) {
            return "audio/mpeg";
        }
        if (ascii(b, 4, "ftyp")) {
            return ascii(b, 8, "M4A ") ? "audio/mp4" : "video/mp4";
        }
        if (startsWith(b, 0, 0x1a, 0x45, 0xdf, 0xa3)) {
            return "video/webm";
        }
        if (ascii(b, 0, "%PDF-")) {
            return "application/pdf";
        }
        return UNKNOWN;
    }

    /** True if bytes sniffed as {@code sniffed} may be embedded as {@code modality}. */
    public static boolean sniffedTypeFits(Modality modality, String sniffed) {
        return switch (modality) {
            case IMAGE -> IMAGE.contains(sniffed);
            case AUDIO -> AUDIO.contains(sniffed) || AV_CONTAINERS.contains(sniffed);
            case VIDEO -> VIDEO.contains(sniffed) || AV_CONTAINERS.contains(sniffed);
            case DOCUMENT -> sniffed.equals("application/pdf");
            default -> false;
        };
    }

    /**
     * True if a response declared as {@code contentType} (base type, parameters ignored) may carry {@code modality}.
     * Generic types ({@code application/octet-stream}, {@code binary/octet-stream}), {@code image/svg+xml} and
     * playlists ({@code *mpegurl}: HLS, M3U) are not accepted: the declared type must name media of the modality.
     */
    public static boolean declaredTypeFits(Modality modality, String contentType) {
        String t = baseType(contentType);
        return switch (modality) {
            case IMAGE -> t.startsWith("image/") && !t.equals("image/svg+xml");
            case AUDIO -> t.startsWith("audio/") && !t.contains("mpegurl") || t.equals("application/ogg")
                    || t.equals("video/webm") || t.equals("video/mp4") || t.equals("video/ogg");
            case VIDEO -> t.startsWith("video/") && !t.contains("mpegurl") || t.equals("application/ogg")
                    || t.equals("application/mp4") || t.equals("application/x-matroska");
            case DOCUMENT -> t.equals("application/pdf");
            default -> false;
        };
    }

    /** {@code image/png} of {@code Image/PNG; charset=x}. */
    static String baseType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static boolean startsWith(byte[] b, int offset, int... signature) {
        if (b.length < offset + signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((b[offset + i] & 0xff) != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(byte[] b, int offset, String s) {
        byte[] sig = s.getBytes(StandardCharsets.US_ASCII);
        if (b.length < offset + sig.length) {
            return false;
        }
        for (int i = 0; i < sig.length; i++) {
            if (b[offset + i] != sig[i]) {
                return false;
            }
        }
        return true;
    }
}
