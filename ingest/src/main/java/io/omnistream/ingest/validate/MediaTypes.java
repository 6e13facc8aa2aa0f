package io.omnistream.ingest.validate;

import io.omnistream.schemas.avro.Modality;
import java.util.EnumSet;
import java.util.Set;
import org.apache.tika.Tika;

/**
 * MIME detection from the payload's magic bytes (Apache Tika, tika-core only: no parsers, no container inspection)
 * and the mapping from a detected type to the modalities that may carry it.
 *
 * <p>What tika-core reports matters here, so it is written down: PNG {@code image/png}, JPEG {@code image/jpeg},
 * WebP {@code image/webp}, GIF {@code image/gif}; MP4 and MOV both {@code video/quicktime} (tika-core's magic cannot
 * tell the ftyp brands apart without the parsers module); WebM and Matroska {@code application/x-matroska}; WAV
 * {@code audio/vnd.wave}; Ogg Vorbis {@code audio/vorbis}; MP3 {@code audio/mpeg}; FLAC {@code audio/x-flac}; PDF
 * {@code application/pdf}; bytes with no known signature {@code application/octet-stream}. Because a WebM/Matroska or
 * Ogg container can hold audio only, those generic container types are accepted for both AUDIO and VIDEO; the
 * encoder dead-letters a container without the expected stream. Truncated files whose header is intact are
 * detected and accepted; decoding them is the encoder's job (it dead-letters them).
 */
public final class MediaTypes {
    /** Tika's answer when no signature matched. */
    public static final String UNKNOWN = "application/octet-stream";

    private static final Set<String> DOCUMENT_TYPES = Set.of("application/pdf", "application/rtf", "application/msword",
            "application/xhtml+xml", "application/xml", "application/epub+zip", "application/x-tika-ooxml",
            "application/x-tika-msoffice", "application/vnd.ms-excel", "application/vnd.ms-powerpoint");
    private static final Set<String> AV_CONTAINERS = Set.of("application/ogg", "application/x-matroska", "application/mp4");

    /** Tika is thread-safe once built; building it loads the MIME registry, so share one. */
    private final Tika tika = new Tika();

    /** Detected MIME type of {@code bytes} (base type, no parameters). */
    public String detect(byte[] bytes) {
        String type = tika.detect(bytes);
        int semicolon = type.indexOf(';');
        return semicolon < 0 ? type : type.substring(0, semicolon).trim();
    }

    /** The modalities whose payload may have this MIME type; empty when none does (e.g. octet-stream). */
    public static Set<Modality> modalitiesOf(String mimeType) {
        Set<Modality> result = EnumSet.noneOf(Modality.class);
        if (mimeType.startsWith("image/")) {
            result.add(Modality.IMAGE);
        }
        if (mimeType.startsWith("audio/")) {
            result.add(Modality.AUDIO);
        }
        if (mimeType.startsWith("video/")) {
            result.add(Modality.VIDEO);
        }
        if (AV_CONTAINERS.contains(mimeType)) {
            result.add(Modality.AUDIO);
            result.add(Modality.VIDEO);
        }
        if (mimeType.startsWith("text/") || DOCUMENT_TYPES.contains(mimeType)
                || mimeType.startsWith("application/vnd.openxmlformats-officedocument.")
                || mimeType.startsWith("application/vnd.oasis.opendocument.")) {
            result.add(Modality.DOCUMENT);
        }
        return result;
    }
}
