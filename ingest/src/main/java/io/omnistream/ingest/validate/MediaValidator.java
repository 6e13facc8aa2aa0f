package io.omnistream.ingest.validate;

import io.omnistream.ingest.config.IngestConfig;
import io.omnistream.ingest.dedup.ContentHasher;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.bench.BenchContentIds;
import io.omnistream.schemas.tenant.Tenants;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a {@link MediaRequest} into a {@link MediaEvent} ready to produce, or into a {@link Rejection}. Never throws
 * for bad input, so the HTTP layer never answers 500 for it.
 *
 * <p>Rules, checked in this order (the first failure is reported):
 * <ol>
 *   <li>{@code contentId}: present, NFC-normalised, at most {@value Tenants#MAX_CONTENT_ID_BYTES} UTF-8 bytes (the
 *       unit Milvus counts), no whitespace, control, format (e.g. right-to-left overrides), surrogate, private-use or
 *       unassigned characters (it becomes part of the Kafka key, the Milvus primary key and a URL path segment).
 *       Ids starting {@value BenchContentIds#PREFIX} belong to the benchmark tenant only.</li>
 *   <li>{@code tenant}: the caller's tenant (from its credential, see {@link #validate(MediaRequest, String, String)});
 *       a {@code tenant} in the body must be absent or equal to it (403 otherwise).</li>
 *   <li>{@code modality}: one of {@link Modality}, case-insensitive.</li>
 *   <li>{@code text} and {@code instruction}: at most {@code ingest.max-text-chars} code points.</li>
 *   <li>TEXT: non-blank {@code text}, no payload or URI. Other modalities: exactly one of {@code payloadBase64} or
 *       {@code uri} ({@code text} is optional accompanying text).</li>
 *   <li>Payload: base64 (RFC 4648, basic alphabet, padding optional), decoded size at most
 *       {@code ingest.max-payload-bytes} (checked from the encoded length before decoding); its MIME type is detected
 *       from the bytes and must belong to the declared modality ({@link MediaTypes}). The client's {@code mimeType} is
 *       ignored for this decision.</li>
 *   <li>URI: at most {@value #MAX_URI_CHARS} characters, absolute with scheme {@code https} and a host, no user info
 *       ({@code user:pass@}). Ingest never fetches it; the encoder worker does, from allow-listed hosts only, and
 *       checks the same rules again (encoder-workers {@code io.omnistream.encoder.fetch.UriPolicy}). Every other scheme
 *       ({@code http}, {@code file:}, {@code s3}, ...) is refused here, so the client hears at once what the encoder
 *       would dead-letter.</li>
 * </ol>
 * Thread-safe.
 */
public final class MediaValidator {
    static final int MAX_SOURCE_CHARS = 128;
    static final int MAX_URI_CHARS = 8192;
    static final Set<String> URI_SCHEMES = Set.of("https");

    private final long maxPayloadBytes;
    private final int maxTextChars;
    private final String defaultTenant;
    private final MediaTypes mediaTypes;
    private final Clock clock;

    public MediaValidator(IngestConfig config) {
        this(config.maxPayloadBytes(), config.maxTextChars(), config.defaultTenant(), new MediaTypes(), Clock.systemUTC());
    }

    public MediaValidator(long maxPayloadBytes, int maxTextChars, String defaultTenant, MediaTypes mediaTypes, Clock clock) {
        this.maxPayloadBytes = maxPayloadBytes;
        this.maxTextChars = maxTextChars;
        this.defaultTenant = defaultTenant;
        this.mediaTypes = mediaTypes;
        this.clock = clock;
    }

    /**
     * As {@link #validate(MediaRequest, String, String)} for a trusted loader (bulk loads, tests): the tenant is the
     * request's, or the configured default when it names none.
     */
    public Validated validate(MediaRequest r, String defaultSource) {
        String tenant = r.tenant() == null ? defaultTenant : r.tenant();
        String tenantProblem = Tenants.nameProblem(tenant);
        if (tenantProblem != null) {
            return Validated.reject(RejectionReason.INVALID_FIELD, "tenant " + tenantProblem);
        }
        return validate(r, tenant, defaultSource);
    }

    /**
     * @param tenant        the tenant the caller is authenticated as; the event is that tenant's whatever the body says
     *                      (a different {@code tenant} in the body is refused, 403)
     * @param defaultSource recorded as {@code source} when the request names none (e.g. "http")
     */
    public Validated validate(MediaRequest r, String tenant, String defaultSource) {
        if (r.tenant() != null && !r.tenant().equals(tenant)) {
            return Validated.reject(RejectionReason.FORBIDDEN, "the body names tenant '" + abbreviate(r.tenant())
                    + "' but the credential is tenant '" + tenant + "'; omit the field");
        }
        Rejection idRejection = checkContentId(r.contentId(), tenant);
        if (idRejection != null) {
            return new Validated.Rejected(idRejection);
        }
        String contentId = Tenants.normalizeContentId(r.contentId());
        String source = r.source() == null ? defaultSource : r.source();
        if (source.isBlank() || source.length() > MAX_SOURCE_CHARS) {
            return Validated.reject(RejectionReason.INVALID_FIELD, "source must be 1.." + MAX_SOURCE_CHARS + " characters");
        }
        if (r.modality() == null || r.modality().isBlank()) {
            return Validated.reject(RejectionReason.MISSING_FIELD, "modality is required, one of " + Arrays.toString(Modality.values()));
        }
        Modality modality;
        try {
            modality = Modality.valueOf(r.modality().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Validated.reject(RejectionReason.INVALID_FIELD, "modality '" + abbreviate(r.modality())
                    + "' is not one of " + Arrays.toString(Modality.values()));
        }
        long eventTime = r.eventTimeMs() == null ? clock.millis() : r.eventTimeMs();
        if (eventTime < 0) {
            return Validated.reject(RejectionReason.INVALID_FIELD, "eventTimeMs must be >= 0 (milliseconds since the Unix epoch)");
        }
        if (tooLong(r.text())) {
            return Validated.reject(RejectionReason.TEXT_TOO_LONG, "text is longer than " + maxTextChars + " code points");
        }
        if (tooLong(r.instruction())) {
            return Validated.reject(RejectionReason.TEXT_TOO_LONG, "instruction is longer than " + maxTextChars + " code points");
        }

        byte[] payload = null;
        String uri = null;
        String mimeType;
        if (modality == Modality.TEXT) {
            if (r.text() == null || r.text().isBlank()) {
                return Validated.reject(RejectionReason.MISSING_FIELD, "text is required for modality TEXT");
            }
            if (r.payloadBase64() != null || r.uri() != null) {
                return Validated.reject(RejectionReason.INVALID_FIELD, "modality TEXT carries text only, not payloadBase64 or uri");
            }
            mimeType = "text/plain";
        } else {
            boolean hasPayload = r.payloadBase64() != null && !r.payloadBase64().isEmpty();
            boolean hasUri = r.uri() != null && !r.uri().isBlank();
            if (hasPayload == hasUri) {
                return Validated.reject(hasPayload ? RejectionReason.INVALID_FIELD : RejectionReason.MISSING_FIELD,
                        "modality " + modality + " needs exactly one of payloadBase64 or uri");
            }
            if (hasUri) {
                String uriProblem = uriProblem(r.uri());
                if (uriProblem != null) {
                    return Validated.reject(RejectionReason.INVALID_FIELD, uriProblem);
                }
                uri = r.uri();
                mimeType = null; // never fetched, so never detected; the client's claim is not recorded as fact
            } else {
                long decodedUpperBound = (long) r.payloadBase64().length() * 3 / 4;
                long decodedLowerBound = decodedUpperBound - 2;
                if (decodedLowerBound > maxPayloadBytes) {
                    return Validated.reject(RejectionReason.PAYLOAD_TOO_LARGE, "payload is about " + decodedUpperBound
                            + " bytes decoded; the limit is " + maxPayloadBytes + " bytes");
                }
                try {
                    payload = Base64.getDecoder().decode(r.payloadBase64());
                } catch (IllegalArgumentException e) {
                    return Validated.reject(RejectionReason.INVALID_BASE64, "payloadBase64 is not valid base64: " + e.getMessage());
                }
                if (payload.length > maxPayloadBytes) {
                    return Validated.reject(RejectionReason.PAYLOAD_TOO_LARGE, "payload is " + payload.length
                            + " bytes; the limit is " + maxPayloadBytes + " bytes");
                }
                mimeType = mediaTypes.detect(payload);
                Set<Modality> allowed = MediaTypes.modalitiesOf(mimeType);
                if (allowed.isEmpty()) {
                    return Validated.reject(RejectionReason.UNSUPPORTED_MEDIA, "payload detected as " + mimeType
                            + ", which no modality accepts (declared " + modality + ")");
                }
                if (!allowed.contains(modality)) {
                    return Validated.reject(RejectionReason.MODALITY_MISMATCH, "payload detected as " + mimeType
                            + ", which is " + allowed + " media, but modality " + modality + " was declared");
                }
            }
        }
        String text = r.text();
        String hash = ContentHasher.hash(tenant, modality, payload, uri, text, r.instruction());
        MediaEvent event = MediaEvent.newBuilder()
                .setContentId(contentId)
                .setTenant(tenant)
                .setModality(modality)
                .setPayload(payload == null ? null : ByteBuffer.wrap(payload))
                .setUri(uri)
                .setMimeType(mimeType)
                .setText(text)
                .setInstruction(r.instruction())
                .setSource(source)
                .setEventTimeMs(eventTime)
                .setContentHash(hash)
                .setBenchmark(null)
                .build();
        return new Validated.Accepted(event);
    }

    /**
     * Null when {@code contentId} is acceptable for {@code tenant} (rule 1 above), else the rejection; used for DELETE
     * paths too. Checked on the NFC form, which is what is stored.
     */
    public Rejection checkContentId(String contentId, String tenant) {
        if (contentId == null || contentId.isBlank()) {
            return new Rejection(RejectionReason.MISSING_FIELD, "contentId is required");
        }
        String normalized = Tenants.normalizeContentId(contentId);
        String problem = identifierProblem(normalized, Tenants.MAX_CONTENT_ID_BYTES);
        if (problem != null) {
            return new Rejection(RejectionReason.INVALID_FIELD, "contentId " + problem);
        }
        if (normalized.startsWith(BenchContentIds.PREFIX) && !Tenants.BENCHMARK.equals(tenant)) {
            return new Rejection(RejectionReason.FORBIDDEN, "content ids starting '" + BenchContentIds.PREFIX
                    + "' are reserved for the benchmark replayer");
        }
        return null;
    }

    /** As {@link #checkContentId(String, String)} for the configured default tenant. */
    public Rejection checkContentId(String contentId) {
        return checkContentId(contentId, defaultTenant);
    }

    private boolean tooLong(String s) {
        // a code point is 1 or 2 chars: only count when the cheap bounds are inconclusive
        return s != null && s.length() > maxTextChars && s.codePointCount(0, s.length()) > maxTextChars;
    }

    /** Null when {@code id} is acceptable, else what is wrong with it; {@code maxBytes} in UTF-8 bytes. */
    static String identifierProblem(String id, int maxBytes) {
        if (id.isEmpty()) {
            return "must not be empty";
        }
        if (id.length() > maxBytes || Tenants.utf8Length(id) > maxBytes) {
            return "is longer than " + maxBytes + " bytes in UTF-8";
        }
        for (int i = 0; i < id.length(); ) {
            int cp = id.codePointAt(i);
            int type = Character.getType(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)
                    || type == Character.FORMAT || type == Character.SURROGATE || type == Character.PRIVATE_USE
                    || type == Character.UNASSIGNED) {
                return String.format("contains a disallowed character U+%04X at index %d (no whitespace, control, "
                        + "format, surrogate, private-use or unassigned characters)", cp, i);
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    private static String uriProblem(String raw) {
        if (raw.length() > MAX_URI_CHARS) {
            return "uri is longer than " + MAX_URI_CHARS + " characters";
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            return "uri is not a valid URI: " + e.getMessage();
        }
        if (!uri.isAbsolute() || !URI_SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
            return "uri must be absolute with scheme one of " + URI_SCHEMES;
        }
        if (uri.getRawUserInfo() != null) {
            return "uri must not carry user info (user:password@)";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "uri has no (valid) host";
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
