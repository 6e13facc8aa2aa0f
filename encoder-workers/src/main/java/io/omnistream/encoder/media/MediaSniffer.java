package io.omnistream.encoder.media;

import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.Modality;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The worker's own check of what it is about to decode: the format of a payload from its magic bytes, and whether
 * that format fits the event's modality and declared MIME type. Ingest detects the type too, but events can be
 * written straight onto the topic, so the worker trusts neither the modality nor {@code mimeType} of an event: a
 * payload whose bytes contradict them, or that is in no format the worker decodes, fails permanently before any
 * decoder sees it.
 *
 * <p>The detected format also decides ffmpeg's input demuxer ({@link Format#ffmpegInput}): ffmpeg is never left to
 * probe the bytes, so a text file such as an HLS playlist ({@code #EXTM3U}) can never reach the hls demuxer and,
 * through it, the file or network protocols.
 *
 * <p>Signatures (offsets in bytes): PNG {@code 89 'PNG' 0D 0A 1A 0A} at 0; JPEG {@code FF D8 FF}; GIF
 * {@code GIF87a}/{@code GIF89a}; BMP {@code BM} with a known DIB header size (12, 40, 52, 56, 64, 108, 124) at 14;
 * WebP {@code RIFF....WEBP}; WAV {@code RIFF....WAVE} (or {@code RF64}); ISO-BMFF (MP4, MOV, M4A) {@code ftyp} at 4
 * (old QuickTime: {@code moov}, {@code mdat}, {@code wide} at 4); Matroska/WebM EBML {@code 1A 45 DF A3}; Ogg
 * {@code OggS}; MP3 {@code ID3} or an MPEG audio frame sync (11 set bits, layer I-III); FLAC {@code fLaC}; PDF
 * {@code %PDF-}.
 */
public final class MediaSniffer {
    /** A payload format the worker decodes. */
    public enum Format {
        PNG("image/png", null, EnumSet.of(Modality.IMAGE)),
        JPEG("image/jpeg", null, EnumSet.of(Modality.IMAGE), "image/pjpeg", "image/jpg"),
        GIF("image/gif", null, EnumSet.of(Modality.IMAGE)),
        BMP("image/bmp", null, EnumSet.of(Modality.IMAGE), "image/x-bmp", "image/x-ms-bmp"),
        WEBP("image/webp", null, EnumSet.of(Modality.IMAGE)),
        /** ISO base media (MP4, MOV, M4A): video, or audio only. */
        MP4("video/mp4", "mov", EnumSet.of(Modality.VIDEO, Modality.AUDIO), "video/quicktime", "application/mp4",
                "audio/mp4", "video/x-m4v", "audio/x-m4a"),
        /** Matroska and WebM (the matroska demuxer reads both): video, or audio only. */
        WEBM("video/webm", "matroska", EnumSet.of(Modality.VIDEO, Modality.AUDIO), "application/x-matroska",
                "video/x-matroska", "audio/webm", "audio/x-matroska"),
        WAV("audio/wav", "wav", EnumSet.of(Modality.AUDIO), "audio/vnd.wave", "audio/x-wav", "audio/wave"),
        /** Ogg (Vorbis, Opus, Theora): audio, or video. */
        OGG("audio/ogg", "ogg", EnumSet.of(Modality.AUDIO, Modality.VIDEO), "application/ogg", "audio/vorbis",
                "audio/opus", "video/ogg"),
        MP3("audio/mpeg", "mp3", EnumSet.of(Modality.AUDIO), "audio/mp3"),
        FLAC("audio/flac", "flac", EnumSet.of(Modality.AUDIO), "audio/x-flac"),
        PDF("application/pdf", null, EnumSet.of(Modality.DOCUMENT));

        private final String mimeType;
        private final String demuxer;
        private final Set<Modality> modalities;
        private final List<String> aliases;

        Format(String mimeType, String demuxer, Set<Modality> modalities, String... aliases) {
            this.mimeType = mimeType;
            this.demuxer = demuxer;
            this.modalities = modalities;
            this.aliases = List.of(aliases);
        }

        /** The canonical MIME type, e.g. {@code video/mp4}. */
        public String mimeType() {
            return mimeType;
        }

        /** The modalities whose payload may be in this format. */
        public Set<Modality> modalities() {
            return modalities;
        }

        /** ffmpeg's input format ({@code -f}) for it; empty for the formats decoded in the JVM. */
        public Optional<String> demuxer() {
            return Optional.ofNullable(demuxer);
        }

        /**
         * ffmpeg/ffprobe input options for {@code file} in this format: {@code -protocol_whitelist file,pipe -f DEMUXER
         * -i FILE}. Only local files and pipes can be opened, and only with this demuxer.
         *
         * @throws IllegalStateException for a format ffmpeg does not read here (an image or PDF)
         */
        public List<String> ffmpegInput(Path file) {
            if (demuxer == null) {
                throw new IllegalStateException(this + " is not decoded with ffmpeg");
            }
            return List.of("-protocol_whitelist", "file,pipe", "-f", demuxer, "-i", file.toString());
        }

        /** The format a MIME type (canonical or a common alias, parameters ignored) names. */
        public static Optional<Format> ofMimeType(String mimeType) {
            String base = mimeType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            return Arrays.stream(values()).filter(f -> f.mimeType.equals(base) || f.aliases.contains(base)).findFirst();
        }
    }

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final byte[] EBML_MAGIC = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3};
    private static final Set<Integer> BMP_DIB_HEADER_SIZES = Set.of(12, 40, 52, 56, 64, 108, 124);

    private MediaSniffer() {}

    /** The format of {@code bytes} from its signature; empty when it has none the worker decodes. */
    public static Optional<Format> sniff(byte[] bytes) {
        if (bytes == null) {
            return Optional.empty();
        }
        if (startsWith(bytes, 0, PNG_MAGIC)) {
            return Optional.of(Format.PNG);
        }
        if (u8(bytes, 0) == 0xFF && u8(bytes, 1) == 0xD8 && u8(bytes, 2) == 0xFF) {
            return Optional.of(Format.JPEG);
        }
        if (ascii(bytes, 0, "GIF87a") || ascii(bytes, 0, "GIF89a")) {
            return Optional.of(Format.GIF);
        }
        if (ascii(bytes, 0, "BM") && bytes.length >= 18 && BMP_DIB_HEADER_SIZES.contains(u8(bytes, 14)
                | u8(bytes, 15) << 8 | u8(bytes, 16) << 16 | u8(bytes, 17) << 24)) {
            return Optional.of(Format.BMP);
        }
        if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WEBP")) {
            return Optional.of(Format.WEBP);
        }
        if ((ascii(bytes, 0, "RIFF") || ascii(bytes, 0, "RF64")) && ascii(bytes, 8, "WAVE")) {
            return Optional.of(Format.WAV);
        }
        if (ascii(bytes, 4, "ftyp") || ascii(bytes, 4, "moov") || ascii(bytes, 4, "mdat") || ascii(bytes, 4, "wide")) {
            return Optional.of(Format.MP4);
        }
        if (startsWith(bytes, 0, EBML_MAGIC)) {
            return Optional.of(Format.WEBM);
        }
        if (ascii(bytes, 0, "OggS")) {
            return Optional.of(Format.OGG);
        }
        if (ascii(bytes, 0, "fLaC")) {
            return Optional.of(Format.FLAC);
        }
        // MPEG audio frame: 11-bit sync, version != reserved (01), layer != reserved (00): FF Ex/Fx with those bits
        if (ascii(bytes, 0, "ID3") || (u8(bytes, 0) == 0xFF && (u8(bytes, 1) & 0xE0) == 0xE0
                && (u8(bytes, 1) & 0x18) != 0x08 && (u8(bytes, 1) & 0x06) != 0)) {
            return Optional.of(Format.MP3);
        }
        if (ascii(bytes, 0, "%PDF-")) {
            return Optional.of(Format.PDF);
        }
        return Optional.empty();
    }

    /**
     * The format of a payload that is to be decoded as {@code modality}, checked against the event.
     *
     * @param declaredMimeType the event's {@code mimeType} (null when it has none)
     * @throws PermanentFailureException (stage {@code preprocess}) when the bytes are in no supported format (an HLS
     *                                   playlist is named as such), their format cannot carry {@code modality}, or
     *                                   the declared MIME type is unsupported or names another format
     */
    public static Format require(byte[] bytes, Modality modality, String declaredMimeType) {
        String what = modality.name().toLowerCase(Locale.ROOT);
        int length = bytes == null ? 0 : bytes.length;
        if (length == 0) {
            throw new PermanentFailureException("preprocess", what + ": empty payload (0 bytes)");
        }
        Format format = sniff(bytes).orElseThrow(() -> new PermanentFailureException("preprocess",
                playlist(bytes) ? what + ": the payload is an HLS/M3U playlist (#EXTM3U); playlists are refused, "
                        + "send the media bytes themselves"
                        : what + ": " + length + " bytes are in no supported format (they start with "
                        + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(8, length)) + ")"));
        if (!format.modalities().contains(modality)) {
            throw new PermanentFailureException("preprocess", what + ": the payload is " + format + " ("
                    + format.mimeType() + "), which " + modality + " events cannot carry");
        }
        if (declaredMimeType != null && !declaredMimeType.isBlank()) {
            Format declared = Format.ofMimeType(declaredMimeType).orElseThrow(() -> new PermanentFailureException(
                    "preprocess", what + ": declared MIME type '" + declaredMimeType + "' is not supported; the "
                    + "payload's bytes are " + format + " (" + format.mimeType() + ")"));
            if (declared != format) {
                throw new PermanentFailureException("preprocess", what + ": declared MIME type '" + declaredMimeType
                        + "' contradicts the payload's bytes, which are " + format + " (" + format.mimeType() + ")");
            }
        }
        return format;
    }

    /** True for text that starts (after an optional UTF-8 BOM and whitespace) with the M3U tag. */
    static boolean playlist(byte[] bytes) {
        int i = bytes.length >= 3 && u8(bytes, 0) == 0xEF && u8(bytes, 1) == 0xBB && u8(bytes, 2) == 0xBF ? 3 : 0;
        while (i < bytes.length && Character.isWhitespace(bytes[i])) {
            i++;
        }
        return ascii(bytes, i, "#EXTM3U");
    }

    private static boolean ascii(byte[] b, int offset, String text) {
        return startsWith(b, offset, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean startsWith(byte[] b, int offset, byte[] prefix) {
        if (b.length < offset + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int u8(byte[] b, int i) {
        return i < b.length ? b[i] & 0xFF : -1;
    }
}
