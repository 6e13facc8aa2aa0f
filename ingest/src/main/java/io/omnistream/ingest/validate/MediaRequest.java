package io.omnistream.ingest.validate;

/**
 * One media item as a client sent it, before validation: every field is exactly what the JSON held (null when
 * absent). {@code mimeType} is informational only; the type detected from the bytes wins.
 *
 * @param eventTimeMs milliseconds since the Unix epoch, or null for "now"
 */
public record MediaRequest(String contentId, String tenant, String modality, String text, String payloadBase64,
                           String uri, String mimeType, String instruction, String source, Long eventTimeMs) {

    public static MediaRequest text(String contentId, String text) {
        return new MediaRequest(contentId, null, "TEXT", text, null, null, null, null, null, null);
    }

    public static MediaRequest payload(String contentId, String modality, String payloadBase64) {
        return new MediaRequest(contentId, null, modality, null, payloadBase64, null, null, null, null, null);
    }
}
