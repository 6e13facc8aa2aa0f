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
import io.omnistream.milvus.collection.ServingAlias;
import io.omnistream.schemas.tenant.Tenants;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Top-k cosine search and row counts over the collection of one model version (the served path). Thread-safe (the
 * SDK client is).
 *
 * <p>Consistency: every call uses the level given at construction. {@link ConsistencyLevel#STRONG} sees every write
 * Milvus acknowledged before the call (what tests and the quality jobs' "after the sink committed" checks need);
 * BOUNDED is cheaper on a Milvus cluster and may miss the last few seconds. Milvus Lite is always read-your-writes.
 *
 * <p>A model version without a collection behaves as empty: no hits, zero rows.
 *
 * <p>Serving path: {@link #searchAlias} searches the collection a deployment's {@link ServingAlias} names at the
 * moment of the call, so a moved alias takes effect on the next search, without a restart.
 */
public final class VectorSearcher {
    private static final String COUNT = "count(*)";

    private final MilvusClientV2 client;
    private final CollectionManager collections;
    private final int searchEf;
    private final ConsistencyLevel consistency;
    private final ServingAlias aliases;

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
        this.aliases = new ServingAlias(client, collections);
    }

    /** Hits of a search through a serving alias, and the collection (and so the model version) that served them. */
    public record ServedHits(CollectionInfo servedBy, List<SearchHit> hits) {}

    /**
     * The k rows most similar to {@code vector}, best first.
     *
     * @param vector     query vector; the same dimension as the collection (unit length for scores to be cosines
     *                   of unit vectors; Milvus normalises for COSINE anyway)
     * @param filterExpr Milvus boolean expression (see {@link Filters}), or null for all rows
     * @return at most k hits; fewer when fewer rows match
     */
    public List<SearchHit> search(String modelVersion, float[] vector, int k, String filterExpr) {
        requirePositive(k);
        Optional<CollectionInfo> info = collections.find(modelVersion);
        if (info.isEmpty()) {
            return List.of();
        }
        return search(info.get(), vector, k, filterExpr);
    }

    /**
     * The k rows most similar to the query, best first, in the collection {@code alias} names at this call.
     *
     * <p>The alias is resolved once per call (one {@code DescribeAlias}, nothing cached), the query vector is made for
     * the model version of that collection, and that collection is searched by its own name: the vector and the rows
     * always come from one model version, even when the alias moves during the call (the search then completes on the
     * collection it was resolved to, which an upgrade keeps until it finishes). A search that starts after
     * {@link ServingAlias#point} returned is served by the new target.
     *
     * @param queryVectorFor the query vector for a model version (the encoder of that version), called once
     * @throws IllegalStateException if the alias does not exist (a deployment not set up is not an empty result)
     */
    public ServedHits searchAlias(String alias, Function<String, float[]> queryVectorFor, int k, String filterExpr) {
        requirePositive(k);
        CollectionInfo target = aliases.target(alias).orElseThrow(() -> new IllegalStateException(
                "serving alias '" + alias + "' does not exist: point it at a model version first"));
        return new ServedHits(target, search(target, queryVectorFor.apply(target.modelVersion()), k, filterExpr));
    }

    private List<SearchHit> search(CollectionInfo info, float[] vector, int k, String filterExpr) {
        if (vector.length != info.dimension()) {
            throw new IllegalArgumentException("query vector has " + vector.length + " dimensions, collection '"
                    + info.name() + "' stores " + info.dimension());
        }
        SearchReq.SearchReqBuilder req = SearchReq.builder()
                .collectionName(info.name())
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

    private static void requirePositive(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
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
        return count(modelVersion, filterExpr, consistency);
    }

    /**
     * Number of users' rows ({@link Filters#userContent()}: benchmark rows excluded) in the collection of
     * {@code modelVersion}, read with {@link ConsistencyLevel#STRONG} whatever this searcher's level: every write
     * Milvus acknowledged before the call is counted (the upgrade's "row count = live ids" check).
     */
    public long liveRowCount(String modelVersion) {
        return count(modelVersion, Filters.userContent(), ConsistencyLevel.STRONG);
    }

    private long count(String modelVersion, String filterExpr, ConsistencyLevel level) {
        Optional<CollectionInfo> info = collections.find(modelVersion);
        if (info.isEmpty()) {
            return 0;
        }
        QueryResp resp = client.query(QueryReq.builder()
                .collectionName(info.get().name())
                .filter(filterExpr == null ? "" : filterExpr)
                .outputFields(List.of(COUNT))
                .consistencyLevel(level)
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
        return rowsPerContentId(modelVersion, contentIds, null, consistency);
    }

    /**
     * {@link #rowsPerContentId} over users' rows only (benchmark rows excluded), read with
     * {@link ConsistencyLevel#STRONG}: the upgrade's check that a new collection holds every live id exactly once is
     * "every value is 1" on this map, with {@link #liveRowCount} equal to the number of live ids.
     */
    public Map<String, Long> liveRowsPerContentId(String modelVersion, Collection<String> contentIds) {
        return rowsPerContentId(modelVersion, contentIds, Filters.userContent(), ConsistencyLevel.STRONG);
    }

    private Map<String, Long> rowsPerContentId(String modelVersion, Collection<String> contentIds, String filterExpr,
            ConsistencyLevel level) {
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
                    .filter(Filters.and(filterExpr, Filters.contentIdIn(chunk)))
                    .outputFields(List.of(EmbeddingFields.CONTENT_ID))
                    .limit(chunk.size() * 2L + 1) // room to see duplicates, should any exist
                    .consistencyLevel(level)
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
