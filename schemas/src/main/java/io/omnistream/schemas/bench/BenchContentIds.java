package io.omnistream.schemas.bench;

import io.omnistream.schemas.avro.BenchmarkRole;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Content ids of benchmark items: {@code bench:<taskId>:<epoch>:<c|q>:<itemId, escaped>}. Written by the replayer,
 * read back by the quality jobs (dead letters name only a content id; the served path maps Milvus primary keys back
 * to item ids).
 *
 * <p>The id depends only on task, epoch, role and item id, so it is identical on every run, distinct across epochs
 * (each epoch's vectors are separate rows) and a query never collides with a candidate of the same item id. Item ids
 * are percent-encoded (UTF-8 bytes, {@code %XX}) where they hold a character ingest forbids in a content id
 * (whitespace, control, format, surrogate, private-use, unassigned) and for '%' itself, so the mapping is injective
 * and {@link #parse} inverts it; ordinary ids (BEIR doc ids, DBpedia's {@code <dbpedia:X>}, MMEB {@code c<hex>}) pass
 * unchanged. Task ids must not contain ':' (the separator).
 */
public final class BenchContentIds {
    public static final String PREFIX = "bench:";

    /** The parts of a benchmark content id. */
    public record Parsed(String taskId, int epoch, BenchmarkRole role, String itemId) {}

    private BenchContentIds() {}

    public static String contentId(String taskId, int epoch, BenchmarkRole role, String itemId) {
        return rolePrefix(taskId, epoch, role) + escape(itemId);
    }

    /** Everything before the item id, e.g. {@code bench:scifact:0:c:}; every candidate id of the epoch starts with it. */
    public static String rolePrefix(String taskId, int epoch, BenchmarkRole role) {
        if (taskId.isEmpty() || taskId.indexOf(':') >= 0) {
            throw new IllegalArgumentException("benchmark task id must be non-empty and contain no ':', got '" + taskId + "'");
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        return PREFIX + taskId + ":" + epoch + ":" + (role == BenchmarkRole.QUERY ? "q" : "c") + ":";
    }

    /** The parts of {@code contentId}, or empty when it is not a well-formed benchmark content id. */
    public static Optional<Parsed> parse(String contentId) {
        if (contentId == null || !contentId.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = contentId.substring(PREFIX.length()).split(":", 4);
        if (parts.length != 4 || parts[0].isEmpty() || !(parts[2].equals("c") || parts[2].equals("q"))) {
            return Optional.empty();
        }
        int epoch;
        try {
            epoch = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (epoch < 0) {
            return Optional.empty();
        }
        Optional<String> itemId = unescape(parts[3]);
        return itemId.map(id -> new Parsed(parts[0], epoch,
                parts[2].equals("q") ? BenchmarkRole.QUERY : BenchmarkRole.CANDIDATE, id));
    }

    static String escape(String itemId) {
        StringBuilder out = null;
        for (int i = 0; i < itemId.length(); ) {
            int cp = itemId.codePointAt(i);
            int n = Character.charCount(cp);
            if (needsEscape(cp) && out == null) {
                out = new StringBuilder(itemId.length() + 8).append(itemId, 0, i);
            }
            if (out != null) {
                if (needsEscape(cp)) {
                    for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                        out.append('%').append(String.format("%02X", b & 0xff));
                    }
                } else {
                    out.append(itemId, i, i + n);
                }
            }
            i += n;
        }
        return out == null ? itemId : out.toString();
    }

    private static boolean needsEscape(int cp) {
        int type = Character.getType(cp);
        return cp == '%' || Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)
                || type == Character.FORMAT || type == Character.SURROGATE || type == Character.PRIVATE_USE
                || type == Character.UNASSIGNED;
    }

    /** Inverse of {@link #escape}; empty for a malformed escape. */
    static Optional<String> unescape(String escaped) {
        if (escaped.indexOf('%') < 0) {
            return Optional.of(escaped);
        }
        StringBuilder out = new StringBuilder(escaped.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < escaped.length(); ) {
            char c = escaped.charAt(i);
            if (c == '%') {
                if (i + 3 > escaped.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(escaped.charAt(i + 1), 16);
                int lo = Character.digit(escaped.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                bytes.write(hi * 16 + lo);
                i += 3;
            } else {
                if (bytes.size() > 0) {
                    out.append(bytes.toString(StandardCharsets.UTF_8));
                    bytes.reset();
                }
                out.append(c);
                i++;
            }
        }
        if (bytes.size() > 0) {
            out.append(bytes.toString(StandardCharsets.UTF_8));
        }
        return Optional.of(out.toString());
    }
}
