package io.omnistream.milvus.search;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import io.omnistream.milvus.collection.CollectionManager;
import io.omnistream.milvus.collection.CollectionManager.CollectionInfo;
import io.omnistream.milvus.collection.EmbeddingFields;
import io.omnistream.schemas.tenant.Tenants;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Top-k cosine search and row counts over the collection of one model version (the served path). Thread-safe (the
 * SDK client is).
 *
 * <p>Consistency: every call uses the level given at construction. {@link ConsistencyLevel#STRONG} sees every write
 * Milvus acknowledged before the call (what tests and the quality jobs' "after the sink committed" checks need);
 * BOUNDED is cheaper on a Milvus cluster and may miss the last few seconds. Milvus Lite is always read-your-writes.
 *
 * <p>A model version without a collection behaves as empty: no hits, zero rows.
 */
public final class VectorSearcher {
    private static final String COUNT = "count(*)";

    private final MilvusClientV2 client;
    private final CollectionManager collections;
    private final int searchEf;
    private final ConsistencyLevel consistency;

    /**
     * @param searchEf    HNSW {@code ef} (raised to k when smaller)
     * @param consistency read consistency of every call
     */
    public VectorSearcher(MilvusClientV2 client, CollectionManager collections, int searchEf, ConsistencyLevel consistency) {
        this.client = Objects.requireNonNull(client);
        this.collections = Objects.requireNonNull(collections);
        if (searchEf < 1) {
            throw new IllegalArgumentException("searchEf must be >= 1, got " + searchEf);
        }
        this.searchEf = searchEf;
        this.consistency = Objects.requireNonNull(consistency);
    }

    /**
     * The k rows most similar to {@code vector}, best first.
     *
     * @param vector     query vector; the same dimension as the collection (unit length for scores to be cosines
     *                   of unit vectors; Milvus normalises for COSINE anyway)
     * @param filterExpr Milvus boolean expression (see {@link Filters}), or null for all rows
     * @return at most k hits; fewer when fewer rows match
     */
    public List<SearchHit> search(String modelVersion, float[] vector, int k, String filterExpr) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        Optional<CollectionInfo> info = collections.find(modelVersion);
        if (info.isEmpty()) {
            return List.of();
        }
        if (vector.length != info.get().dimension()) {
            throw new IllegalArgumentException("query vector has " + vector.length + " dimensions, collection '"
                    + info.get().name() + "' stores " + info.get().dimension());
        }
        SearchReq.SearchReqBuilder req = SearchReq.builder()
                .collectionName(info.get().name())
                .annsField(EmbeddingFields.VECTOR)
                .data(List.of(new FloatVec(vector)))
                .topK(k)
                .searchParams(new HashMap<>(collections.indexSettings().searchParams(searchEf, k)))
                .consistencyLevel(consistency);
        if (filterExpr != null && !filterExpr.isBlank()) {
            req.filter(filterExpr);
        }
        SearchResp resp = client.search(req.build());
        List<SearchHit> hits = new ArrayList<>(k);
        for (SearchResp.SearchResult r : resp.getSearchResults().get(0)) {
            // the primary key is the record key <tenant>:<contentId>; callers know ids as their tenant does
            String rowKey = String.valueOf(r.getId());
            hits.add(new SearchHit(Tenants.parseRecordKey(rowKey).map(Tenants.Key::contentId).orElse(rowKey), r.getScore()));
        }
        return hits;
    }

    /** Number of rows (= distinct record keys, the primary key) in the collection of {@code modelVersion}. */
    public long countRows(String modelVersion) {
        return count(modelVersion, "");
    }

    /**
     * The row of {@code contentId} in {@code tenant}, looked up by its primary key (the record key), so no other
     * tenant's row of the same id can be returned.
     */
    public Optional<StoredItem> find(String modelVersion, String tenant, String contentId) {
        Optional<CollectionInfo> info = collections.find(modelVersion);
        if (info.isEmpty()) {
            return Optional.empty();
        }
        QueryResp resp = client.query(QueryReq.builder()
                .collectionName(info.get().name())
                .filter(EmbeddingFields.ROW_KEY + " == " + Filters.quote(Tenants.recordKey(tenant, contentId)))
                .outputFields(List.of(EmbeddingFields.CONTENT_ID, EmbeddingFields.MODALITY, EmbeddingFields.EVENT_TIME_MS))
                .limit(1)
                .consistencyLevel(consistency)
                .build());
        return resp.getQueryResults().stream().findFirst().map(r -> new StoredItem(
                String.valueOf(r.getEntity().get(EmbeddingFields.CONTENT_ID)),
                String.valueOf(r.getEntity().get(EmbeddingFields.MODALITY)),
                ((Number) r.getEntity().get(EmbeddingFields.EVENT_TIME_MS)).longValue()));
    }

    /** Number of rows matching a filter, e.g. {@link Filters#taskIs}. */
    public long count(String modelVersion, String filterExpr) {
        Optional<CollectionInfo> info = collections.find(modelVersion);
        if (info.isEmpty()) {
            return 0;
        }
        QueryResp resp = client.query(QueryReq.builder()
                .collectionName(info.get().name())
                .filter(filterExpr == null ? "" : filterExpr)
                .outputFields(List.of(COUNT))
                .consistencyLevel(consistency)
                .build());
        return ((Number) resp.getQueryResults().get(0).getEntity().get(COUNT)).longValue();
    }

    /**
     * Rows stored per given content id, as Milvus returns them (0 = absent), over every tenant. With upsert semantics
     * every present id of one tenant must map to exactly 1; the acceptance check "one row per distinct content id"
     * asserts that on this map (its ids are one tenant's).
     * Ids are queried in chunks of {@value #IDS_PER_QUERY}.
     */
    public Map<String, Long> rowsPerContentId(String modelVersion, Collection<String> contentIds) {
        Map<String, Long> counts = new HashMap<>();
        contentIds.forEach(id -> counts.put(id, 0L));
        Optional<CollectionInfo> info = collections.find(modelVersion);
        if (info.isEmpty() || contentIds.isEmpty()) {
            return counts;
        }
        List<String> ids = new ArrayList<>(counts.keySet());
        for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY));
            QueryResp resp = client.query(QueryReq.builder()
                    .collectionName(info.get().name())
                    .filter(Filters.contentIdIn(chunk))
                    .outputFields(List.of(EmbeddingFields.CONTENT_ID))
                    .limit(chunk.size() * 2L + 1) // room to see duplicates, should any exist
                    .consistencyLevel(consistency)
                    .build());
            for (QueryResp.QueryResult r : resp.getQueryResults()) {
                counts.merge(String.valueOf(r.getEntity().get(EmbeddingFields.CONTENT_ID)), 1L, Long::sum);
            }
        }
        return counts;
    }

    private static final int IDS_PER_QUERY = 1000;

    public boolean contains(String modelVersion, String contentId) {
        return rowsPerContentId(modelVersion, List.of(contentId)).get(contentId) > 0;
    }
}
