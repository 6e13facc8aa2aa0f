package io.omnistream.milvus.collection;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.omnistream.schemas.avro.BenchmarkMarker;
import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.tenant.Tenants;
import java.util.List;
import java.util.Objects;

/**
 * One row of an embedding collection, as upserted. {@code taskId} is "" when the event has no benchmark marker. The
 * primary key is {@link #rowKey()}, derived from tenant and content id.
 */
public record EmbeddingRow(String contentId, float[] vector, String modality, String tenant, long eventTimeMs,
                           String taskId) {

    public EmbeddingRow {
        Objects.requireNonNull(contentId, "contentId");
        Objects.requireNonNull(vector, "vector");
        Objects.requireNonNull(tenant, "tenant");
        modality = modality == null ? "" : modality;
        taskId = taskId == null ? "" : taskId;
    }

    /** {@code <tenant>:<contentId>} ({@link Tenants#recordKey}); throws for an invalid tenant name. */
    public String rowKey() {
        return Tenants.recordKey(tenant, contentId);
    }

    public static EmbeddingRow of(EmbeddingEvent event) {
        List<Float> v = event.getVector();
        float[] vector = new float[v.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = v.get(i);
        }
        BenchmarkMarker marker = event.getBenchmark();
        return new EmbeddingRow(event.getContentId(), vector, event.getModality().name(), event.getTenant(),
                event.getSourceEventTimeMs(), marker == null ? "" : marker.getTaskId());
    }

    public int dimension() {
        return vector.length;
    }

    /** The row in the SDK's JSON row format. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty(EmbeddingFields.ROW_KEY, rowKey());
        o.addProperty(EmbeddingFields.CONTENT_ID, contentId);
        JsonArray a = new JsonArray(vector.length);
        for (float f : vector) {
            a.add(f);
        }
        o.add(EmbeddingFields.VECTOR, a);
        o.addProperty(EmbeddingFields.MODALITY, modality);
        o.addProperty(EmbeddingFields.TENANT, tenant);
        o.addProperty(EmbeddingFields.EVENT_TIME_MS, eventTimeMs);
        o.addProperty(EmbeddingFields.TASK_ID, taskId);
        return o;
    }
}
