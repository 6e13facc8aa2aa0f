package io.omnistream.ingest.dedup;

import io.omnistream.schemas.avro.Modality;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 content hash of what an encoder would embed: tenant, modality, inline payload bytes or URI, text and
 * instruction. Each field is written as a tag byte, a 4-byte big-endian length (-1 for absent) and its bytes (UTF-8
 * for strings), so no two different field combinations can produce the same digest input (e.g. text "ab" +
 * instruction "c" vs. text "a" + instruction "bc"). Source and event time are deliberately excluded: resending the
 * same content from another feed is still a duplicate. Output is 64 lower-case hex characters.
 *
 * <p>For a URI event the hash covers the URI string, not the bytes behind it: ingest never fetches them.
 */
public final class ContentHasher {
    private ContentHasher() {}

    public static String hash(String tenant, Modality modality, byte[] payload, String uri, String text, String instruction) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
        field(digest, 't', utf8(tenant));
        field(digest, 'm', utf8(modality.name()));
        field(digest, 'p', payload);
        field(digest, 'u', utf8(uri));
        field(digest, 'x', utf8(text));
        field(digest, 'i', utf8(instruction));
        return HexFormat.of().formatHex(digest.digest());
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static void field(MessageDigest digest, char tag, byte[] value) {
        digest.update((byte) tag);
        digest.update(ByteBuffer.allocate(4).putInt(value == null ? -1 : value.length).array());
        if (value != null) {
            digest.update(value);
        }
    }
}
