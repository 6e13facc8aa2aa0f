package io.omnistream.milvus.collection;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Maps a model version (e.g. {@code bge-small-en-v1.5/fp32/cls/512}) to its Milvus collection name
 * ({@code emb_bge_small_en_v1_5_fp32_cls_512}). Milvus allows letters, digits and underscores, a letter or
 * underscore first, at most 255 characters.
 *
 * <p>The mapping is lossy ({@code a.b} and {@code a-b} give the same name). {@link CollectionManager} records the
 * exact model version in the collection description and refuses to reuse a collection created for a different one,
 * so a clash fails loudly instead of mixing vectors of two model versions.
 */
public final class CollectionNames {
    public static final String PREFIX = "emb_";
    /** Milvus' default {@code proxy.maxNameLength}. */
    static final int MAX_LENGTH = 255;
    private static final int HASH_HEX_CHARS = 12;

    private CollectionNames() {}

    public static String forModelVersion(String modelVersion) {
        return milvusName(PREFIX, modelVersion, "model version");
    }

    /**
     * {@code prefix} + {@code raw} lower-cased with every run of other characters than letters and digits turned into
     * one underscore, cut to {@value #MAX_LENGTH} characters with a hash of {@code raw} keeping cut names apart: the
     * one sanitiser of collection and alias names ({@link ServingAlias#nameFor}).
     *
     * @param prefix starts with a letter, only letters, digits and underscores
     * @param what   what {@code raw} is, for the error message
     */
    static String milvusName(String prefix, String raw, String what) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        String body = raw.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "_")
                .replaceAll("^_+|_+$", "");
        if (body.isEmpty()) {
            // nothing usable left (e.g. "///"): the hash alone keeps distinct names apart
            return prefix + hash(raw);
        }
        String name = prefix + body;
        if (name.length() <= MAX_LENGTH) {
            return name;
        }
        return name.substring(0, MAX_LENGTH - HASH_HEX_CHARS - 1) + "_" + hash(raw);
    }

    private static String hash(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_HEX_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
