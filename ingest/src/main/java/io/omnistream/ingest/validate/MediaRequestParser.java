package io.omnistream.ingest.validate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns request bodies into {@link MediaRequest}s. Never throws for bad input: every problem becomes a
 * {@link Rejection} ({@code malformed_json}, {@code invalid_field}, {@code too_many_items}).
 *
 * <p>Unknown fields are ignored so that newer clients keep working against older servers. Base64 payloads can be
 * tens of MiB, so Jackson's default 20 MB string limit is lifted to the request-size limit the HTTP layer already
 * enforces.
 */
public final class MediaRequestParser {
    private final ObjectMapper mapper;
    private final int maxBatchItems;

    public MediaRequestParser(long maxRequestBytes, int maxBatchItems) {
        this.maxBatchItems = maxBatchItems;
        JsonMapper m = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .build();
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength((int) Math.min(Integer.MAX_VALUE - 8, maxRequestBytes)).build());
        this.mapper = m;
    }

    /** One item or its rejection. */
    public record Item(MediaRequest request, Rejection rejection) {
        public boolean ok() {
            return rejection == null;
        }
    }

    /** Whole-body outcome of a batch: per-item results, or one rejection for the whole body. */
    public record Batch(List<Item> items, Rejection rejection) {}

    /** A body holding one JSON object. */
    public Item parseSingle(byte[] body) {
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (IOException e) {
            return failed(RejectionReason.MALFORMED_JSON, "body is not valid JSON: " + shortMessage(e));
        }
        return fromNode(node);
    }

    /**
     * A batch body: a JSON array of objects, or NDJSON (one object per line; blank lines skipped). A malformed array
     * rejects the whole body; a malformed NDJSON line rejects only that item. {@code ndjson} forces NDJSON; otherwise a
     * body whose first non-blank byte is '[' is an array.
     */
    public Batch parseBatch(byte[] body, boolean ndjson) {
        int first = 0;
        while (first < body.length && Character.isWhitespace(body[first])) {
            first++;
        }
        List<Item> items = new ArrayList<>();
        if (!ndjson && first < body.length && body[first] == '[') {
            JsonNode root;
            try {
                root = mapper.readTree(body);
            } catch (IOException e) {
                return new Batch(List.of(), new Rejection(RejectionReason.MALFORMED_JSON,
                        "body is not a valid JSON array: " + shortMessage(e)));
            }
            if (root.size() > maxBatchItems) {
                return tooMany(root.size());
            }
            root.forEach(n -> items.add(fromNode(n)));
        } else {
            String text = new String(body, StandardCharsets.UTF_8);
            int lines = 0;
            for (String line : text.split("\r?\n")) {
                if (line.isBlank()) {
                    continue;
                }
                if (++lines > maxBatchItems) {
                    return tooMany(lines);
                }
                JsonNode node;
                try {
                    node = mapper.readTree(line);
                } catch (IOException e) {
                    items.add(failed(RejectionReason.MALFORMED_JSON, "line " + lines + " is not valid JSON: " + shortMessage(e)));
                    continue;
                }
                items.add(fromNode(node));
            }
        }
        if (items.isEmpty()) {
            return new Batch(List.of(), new Rejection(RejectionReason.MISSING_FIELD, "batch holds no items"));
        }
        return new Batch(items, null);
    }

    private Batch tooMany(int count) {
        return new Batch(List.of(), new Rejection(RejectionReason.TOO_MANY_ITEMS,
                "batch holds " + (count > maxBatchItems ? "more than " + maxBatchItems : count) + " items; the limit is " + maxBatchItems));
    }

    private Item fromNode(JsonNode node) {
        if (node == null || !node.isObject()) {
            return failed(RejectionReason.MALFORMED_JSON, "expected a JSON object, got "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        try {
            Long eventTime = null;
            JsonNode t = node.get("eventTimeMs");
            if (t != null && !t.isNull()) {
                if (!t.isIntegralNumber() || !t.canConvertToLong()) {
                    throw new FieldException("eventTimeMs must be an integer (milliseconds since the Unix epoch)");
                }
                eventTime = t.longValue();
            }
            return new Item(new MediaRequest(str(node, "contentId"), str(node, "tenant"), str(node, "modality"),
                    str(node, "text"), str(node, "payloadBase64"), str(node, "uri"), str(node, "mimeType"),
                    str(node, "instruction"), str(node, "source"), eventTime), null);
        } catch (FieldException e) {
            return failed(RejectionReason.INVALID_FIELD, e.getMessage());
        }
    }

    private static String str(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new FieldException(field + " must be a string, got " + v.getNodeType().name().toLowerCase());
        }
        return v.textValue();
    }

    private static Item failed(RejectionReason reason, String message) {
        return new Item(null, new Rejection(reason, message));
    }

    private static String shortMessage(IOException e) {
        if (e instanceof JsonProcessingException j) {
            return j.getOriginalMessage();
        }
        return String.valueOf(e.getMessage());
    }

    private static final class FieldException extends RuntimeException {
        FieldException(String message) {
            super(message, null, false, false);
        }
    }
}
