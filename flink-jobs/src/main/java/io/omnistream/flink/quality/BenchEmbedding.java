package io.omnistream.flink.quality;

import io.omnistream.schemas.avro.BenchmarkMarker;
import io.omnistream.schemas.avro.EmbeddingEvent;
import java.util.List;

/**
 * The part of a benchmark {@link EmbeddingEvent} the retrieval-quality job needs, as a Flink POJO.
 *
 * <p><b>Why not the Avro class.</b> Flink 2.x serializes a type it cannot analyse with Kryo; Avro
 * {@code SpecificRecord}s are only handled natively with {@code flink-avro}, which this module deliberately does not
 * depend on (the unshaded Avro 1.12 of omnistream-schemas would clash with it, and flink-sql-avro-confluent-registry
 * already bundles a flink-avro compiled against a <em>relocated</em> Avro). So Avro records are converted right at the
 * source boundary (chained to the source, never serialized by Flink) into this class, whose public no-arg
 * constructor and public fields of basic types make it a Flink POJO (PojoSerializer, schema-evolvable state).
 */
public class BenchEmbedding {
    public static final String ROLE_QUERY = "QUERY";
    public static final String ROLE_CANDIDATE = "CANDIDATE";
    /** Not an embedding: the item was dead-lettered on its way to the encoder (see {@link #deadLetter}). */
    public static final String ROLE_DEAD_LETTER = "DEAD_LETTER";

    public String contentId;
    public String modelId;
    public String modelVersion;
    /** {@code Modality} symbol, e.g. "TEXT". */
    public String modality;
    public String taskId;
    /** {@link #ROLE_QUERY}, {@link #ROLE_CANDIDATE} or {@link #ROLE_DEAD_LETTER}. */
    public String role;
    public String itemId;
    public int epoch;
    /** sourceEventTimeMs of the embedding event. */
    public long eventTimeMs;
    /** Unit-length vector (cosine = dot product); null for dead letters. */
    public float[] vector;
    /** Dead letters only: "stage: reason" of the failure. */
    public String detail;

    public BenchEmbedding() {
    }

    public BenchEmbedding(String modelId, String modelVersion, String modality, String taskId, String role,
            String itemId, int epoch, long eventTimeMs, float[] vector) {
        this.contentId = taskId + "/" + itemId;
        this.modelId = modelId;
        this.modelVersion = modelVersion;
        this.modality = modality;
        this.taskId = taskId;
        this.role = role;
        this.itemId = itemId;
        this.epoch = epoch;
        this.eventTimeMs = eventTimeMs;
        this.vector = vector;
    }

    /**
     * Converts an embedding event; {@code null} when it carries no benchmark marker (ordinary traffic) or when its
     * vector length disagrees with its declared dimension (a corrupt event would otherwise poison a ranking).
     */
    public static BenchEmbedding fromAvro(EmbeddingEvent event) {
        BenchmarkMarker marker = event.getBenchmark();
        if (marker == null) {
            return null;
        }
        List<Float> values = event.getVector();
        if (values == null || values.size() != event.getDimension()) {
            return null;
        }
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        BenchEmbedding out = new BenchEmbedding(event.getModelId(), event.getModelVersion(),
                event.getModality().name(), marker.getTaskId(), marker.getRole().name(), marker.getItemId(),
                marker.getEpoch(), event.getSourceEventTimeMs(), vector);
        out.contentId = event.getContentId();
        return out;
    }

    /**
     * A dead-lettered benchmark item (the DLQ names its content id, see {@code BenchContentIds}); {@code itemId} is
     * prefixed with the original role ("QUERY:" / "CANDIDATE:") so that a query and a candidate of the same id count
     * as two items.
     */
    public static BenchEmbedding deadLetter(String taskId, int epoch, String originalRole, String itemId,
            long failedAtMs, String detail) {
        BenchEmbedding out = new BenchEmbedding(ANY, ANY, null, taskId, ROLE_DEAD_LETTER, originalRole + ":" + itemId,
                epoch, failedAtMs, null);
        out.detail = detail;
        return out;
    }

    private static final String ANY = "*";

    public boolean isDeadLetter() {
        return ROLE_DEAD_LETTER.equals(role);
    }

    public boolean isQuery() {
        return ROLE_QUERY.equals(role);
    }

    @Override
    public String toString() {
        return "BenchEmbedding{" + modelId + "/" + modelVersion + " " + taskId + "#" + epoch + " " + role + " "
                + itemId + "}";
    }
}
