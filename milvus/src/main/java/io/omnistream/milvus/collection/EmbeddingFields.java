package io.omnistream.milvus.collection;

import io.omnistream.schemas.tenant.Tenants;

/**
 * Field names and limits of every embedding collection. One row per tenant and content id: the primary key is the
 * record key {@code <tenant>:<contentId>} ({@link Tenants#recordKey}, also the Kafka key), so two tenants may hold the
 * same content id and an upsert of one never overwrites the other's row.
 */
public final class EmbeddingFields {
    /** VarChar primary key: {@link Tenants#recordKey}, equal to the Kafka key of the embedding record. */
    public static final String ROW_KEY = "row_key";
    /** VarChar, {@code EmbeddingEvent.contentId}: the id as its tenant knows it (what search returns). */
    public static final String CONTENT_ID = "content_id";
    /** FloatVector, L2-normalised by the encoder; dimension fixed per collection. */
    public static final String VECTOR = "vector";
    /** VarChar, the {@code Modality} enum name (TEXT, IMAGE, ...). */
    public static final String MODALITY = "modality";
    /**
     * VarChar, the owning tenant; the collection's partition key, so a search filtered by tenant reads only that
     * tenant's partition (and the benchmark tenant's rows sit apart from users').
     */
    public static final String TENANT = "tenant";
    /** Int64, {@code sourceEventTimeMs} (ms since epoch). */
    public static final String EVENT_TIME_MS = "event_time_ms";
    /** VarChar, benchmark task id, empty string for production traffic (Milvus Lite has no nullable scalars here). */
    public static final String TASK_ID = "task_id";

    /** Maximum lengths in bytes, as Milvus counts VarChar length. */
    public static final int ROW_KEY_MAX_LENGTH = Tenants.MAX_RECORD_KEY_BYTES;
    public static final int CONTENT_ID_MAX_LENGTH = Tenants.MAX_CONTENT_ID_BYTES;
    public static final int MODALITY_MAX_LENGTH = 32;
    public static final int TENANT_MAX_LENGTH = Tenants.MAX_TENANT_BYTES;
    public static final int TASK_ID_MAX_LENGTH = 256;

    private EmbeddingFields() {}
}
