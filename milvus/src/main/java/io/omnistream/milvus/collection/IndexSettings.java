package io.omnistream.milvus.collection;

import io.milvus.v2.common.IndexParam;
import java.util.Map;

/**
 * Vector index of every embedding collection; the metric is always COSINE (vectors are unit length, so cosine equals
 * inner product and scores are comparable with the exact path).
 *
 * @param type           index type; HNSW (default), IVF_FLAT, FLAT and AUTOINDEX are accepted by Milvus Lite 3.2.2
 *                       and Milvus 2.5 standalone
 * @param m              HNSW graph degree (edges per node)
 * @param efConstruction HNSW build-time candidate list size
 */
public record IndexSettings(IndexType type, int m, int efConstruction) {
    public enum IndexType { HNSW, IVF_FLAT, FLAT, AUTOINDEX }

    public static final IndexSettings DEFAULT = new IndexSettings(IndexType.HNSW, 16, 200);

    public IndexSettings {
        if (m < 2 || efConstruction < 1) {
            throw new IllegalArgumentException("HNSW needs M >= 2 and efConstruction >= 1, got " + m + ", " + efConstruction);
        }
    }

    IndexParam toIndexParam() {
        IndexParam.IndexParamBuilder b = IndexParam.builder()
                .fieldName(EmbeddingFields.VECTOR)
                .indexType(IndexParam.IndexType.valueOf(type.name()))
                .metricType(IndexParam.MetricType.COSINE);
        if (type == IndexType.HNSW) {
            b.extraParams(Map.of("M", m, "efConstruction", efConstruction));
        }
        return b.build();
    }

    /** Search-time parameters for this index: {@code ef} (HNSW candidate list, at least k). */
    public Map<String, Object> searchParams(int searchEf, int k) {
        return type == IndexType.HNSW ? Map.of("ef", Math.max(searchEf, k)) : Map.of();
    }
}
