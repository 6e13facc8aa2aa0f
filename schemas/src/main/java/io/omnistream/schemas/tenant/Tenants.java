package io.omnistream.schemas.tenant;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The tenant vocabulary every stage shares, defined once: what a tenant name may be, the reserved benchmark tenant,
 * and the record key that namespaces a content id per tenant.
 *
 * <p><b>Record key.</b> Two tenants may use the same content id. Everything keyed by content id is therefore keyed by
 * {@link #recordKey} instead: the Kafka key of {@code media.events.v1} and of the embedding topics (so compaction and
 * tombstones act per tenant) and the Milvus primary key (so an upsert of tenant B never overwrites tenant A's row).
 * The key is {@code <tenant>:<contentId>}; a tenant name cannot contain ':', so the first ':' splits it unambiguously.
 *
 * <p><b>Limits are in UTF-8 bytes</b>, the unit Milvus counts VarChar lengths in: a check in code points would accept a
 * multibyte id that Milvus then refuses, a permanent upsert error for the whole chunk it is in.
 */
public final class Tenants {
    /**
     * The reserved tenant of the benchmark replayed through the production path. User search and user traffic never
     * see its rows; the quality job's served path sees only them. Only the replayer's own credential may write it.
     */
    public static final String BENCHMARK = "omnistream-bench";
    /** The tenant of events that name none (bulk loads, the embedded demo without credentials). */
    public static final String DEFAULT = "default";
    /** Maximum tenant name length in UTF-8 bytes (names are ASCII, so also characters). */
    public static final int MAX_TENANT_BYTES = 64;
    /** Maximum content id length in UTF-8 bytes after NFC normalisation. */
    public static final int MAX_CONTENT_ID_BYTES = 512;
    /** Maximum record key length in UTF-8 bytes: tenant, ':' and content id. */
    public static final int MAX_RECORD_KEY_BYTES = MAX_TENANT_BYTES + 1 + MAX_CONTENT_ID_BYTES;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    /** A record key split back into its parts. */
    public record Key(String tenant, String contentId) {}

    private Tenants() {}

    /**
     * Null if {@code tenant} is a valid tenant name (lowercase ASCII letters, digits, '-' and '_', starting with a
     * letter or digit, at most {@value #MAX_TENANT_BYTES} bytes); otherwise why not.
     */
    public static String nameProblem(String tenant) {
        if (tenant == null || tenant.isEmpty()) {
            return "must not be empty";
        }
        if (tenant.length() > MAX_TENANT_BYTES) {
            return "is longer than " + MAX_TENANT_BYTES + " bytes";
        }
        if (!NAME.matcher(tenant).matches()) {
            return "must be lowercase letters, digits, '-' or '_', starting with a letter or digit";
        }
        return null;
    }

    public static boolean isReserved(String tenant) {
        return BENCHMARK.equals(tenant);
    }

    /**
     * Checks a tenant a user credential may carry: a valid name ({@link #nameProblem}) and not the reserved
     * {@link #BENCHMARK}.
     *
     * @return {@code tenant}, unchanged
     * @throws IllegalArgumentException naming the rule (with the name's control and non-ASCII characters escaped)
     */
    public static String requireUserTenant(String tenant) {
        if (isReserved(tenant)) {
            throw new IllegalArgumentException("tenant '" + BENCHMARK + "' is reserved for benchmark traffic");
        }
        String problem = nameProblem(tenant);
        if (problem != null) {
            throw new IllegalArgumentException(tenant == null || tenant.isEmpty() ? "tenant is empty"
                    : "invalid tenant '" + printable(tenant) + "': " + problem + " (a-z, 0-9, '-' and '_', 1 to "
                    + MAX_TENANT_BYTES + " characters)");
        }
        return tenant;
    }

    /** The name with control and non-ASCII characters escaped and bounded, for error messages. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7f) {
                b.appendCodePoint(cp);
            } else {
                b.append(String.format("\\u%04x", cp));
            }
        });
        return s.codePointCount(0, s.length()) > 80 ? b + "..." : b.toString();
    }

    /**
     * The canonical form of a content id: Unicode NFC, so that the same visible id typed on two systems (composed
     * or decomposed accents) is one key, not two rows.
     */
    public static String normalizeContentId(String contentId) {
        return Normalizer.normalize(contentId, Normalizer.Form.NFC);
    }

    /** Length of {@code s} in UTF-8 bytes. */
    public static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3; // BMP, or a lone surrogate (encoded as '?' by Java, but counted at its worst case)
            }
        }
        return bytes;
    }

    /** {@code <tenant>:<contentId>}: the Kafka key and Milvus primary key of a content item. */
    public static String recordKey(String tenant, String contentId) {
        String problem = nameProblem(tenant);
        if (problem != null) {
            throw new IllegalArgumentException("tenant '" + tenant + "' " + problem);
        }
        return tenant + ":" + contentId;
    }

    public static byte[] recordKeyBytes(String tenant, String contentId) {
        return recordKey(tenant, contentId).getBytes(StandardCharsets.UTF_8);
    }

    /** The parts of a record key; empty if it has no ':' or an invalid tenant part (e.g. a key from before tenants). */
    public static Optional<Key> parseRecordKey(String key) {
        if (key == null) {
            return Optional.empty();
        }
        int colon = key.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String tenant = key.substring(0, colon);
        return nameProblem(tenant) == null ? Optional.of(new Key(tenant, key.substring(colon + 1))) : Optional.empty();
    }
}
