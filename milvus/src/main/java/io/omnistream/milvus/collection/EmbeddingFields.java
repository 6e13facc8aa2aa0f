package io.omnistream.milvus.collection;

/** Field names and limits of every embedding collection. One row per content id (the primary key). */
public final class EmbeddingFields {
    /** VarChar primary key: the Kafka key / {@code EmbeddingEvent.contentId}. */
    public static final String CONTENT_ID = "content_id";
    /** FloatVector, L2-normalised by the encoder; dimension fixed per collection. */
    public static final String VECTOR = "vector";
    /** VarChar, the {@code Modality} enum name (TEXT, IMAGE, ...). */
    public static final String MODALITY = "modality";
    public static final String TENANT = "tenant";
    /** Int64, {@code sourceEventTimeMs} (ms since epoch). */
    public static final String EVENT_TIME_MS = "event_time_ms";
    /** VarChar, benchmark task id, empty string for production traffic (Milvus Lite has no nullable scalars here). */
    public static final String TASK_ID = "task_id";

    /** Maximum content id length in bytes as Milvus counts VarChar length. */
    public static final int CONTENT_ID_MAX_LENGTH = 512;
    public static final int MODALITY_MAX_LENGTH = 32;
    public static final int TENANT_MAX_LENGTH = 256;
    public static final int TASK_ID_MAX_LENGTH = 256;

    private EmbeddingFields() {}
}
