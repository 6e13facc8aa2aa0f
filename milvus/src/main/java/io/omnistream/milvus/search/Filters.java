package io.omnistream.milvus.search;

import io.omnistream.milvus.collection.EmbeddingFields;
import java.util.Collection;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Builds Milvus boolean filter expressions with every string literal quoted and escaped, so ids containing quotes or
 * backslashes cannot break out of the literal. Milvus Lite 3.2.2 does not parse filter templates
 * ({@code content_id in {ids}} fails with "unexpected character '{'"), hence literals.
 */
public final class Filters {
    private Filters() {}

    /** {@code content_id in ["a", "b"]}: restrict a search to a candidate set. Empty set matches nothing. */
    public static String contentIdIn(Collection<String> ids) {
        if (ids.isEmpty()) {
            return EmbeddingFields.CONTENT_ID + " in []";
        }
        return EmbeddingFields.CONTENT_ID + " in [" + ids.stream().map(Filters::quote).collect(Collectors.joining(", ")) + "]";
    }

    /** {@code content_id == "x"}. */
    public static String contentIdIs(String id) {
        return EmbeddingFields.CONTENT_ID + " == " + quote(id);
    }

    /** {@code tenant == "acme"}: one tenant's rows; the tenant is the partition key, so only its partition is read. */
    public static String tenantIs(String tenant) {
        return EmbeddingFields.TENANT + " == " + quote(tenant);
    }

    /** {@code task_id == "scifact"}: rows of one benchmark task. */
    public static String taskIs(String taskId) {
        return EmbeddingFields.TASK_ID + " == " + quote(taskId);
    }

    /**
     * {@code task_id == ""}: users' content only. Benchmark candidates and queries carry their task id in
     * {@link EmbeddingFields#TASK_ID}; production rows carry the empty string (see there), so this excludes every
     * replayed row.
     */
    public static String userContent() {
        return EmbeddingFields.TASK_ID + " == \"\"";
    }

    /** {@code (a) and (b)}; a null or blank side is dropped. */
    public static String and(String a, String b) {
        boolean hasA = a != null && !a.isBlank();
        boolean hasB = b != null && !b.isBlank();
        if (hasA && hasB) {
            return "(" + a + ") and (" + b + ")";
        }
        return hasA ? a : hasB ? b : "";
    }

    /** A double-quoted string literal; backslash and double quote are backslash-escaped. */
    public static String quote(String value) {
        Objects.requireNonNull(value, "value");
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
