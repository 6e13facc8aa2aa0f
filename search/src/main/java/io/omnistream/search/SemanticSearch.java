package io.omnistream.search;

import io.omnistream.encoder.model.Side;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.milvus.search.Filters;
import io.omnistream.milvus.search.SearchHit;
import io.omnistream.milvus.search.StoredItem;
import io.omnistream.milvus.search.VectorSearcher;
import io.omnistream.schemas.tenant.Tenants;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Text search over the collection of one model version: the query is embedded with the same {@link TextEncoder}
 * the workers use (as a {@link Side#QUERY}, so e.g. BGE's query instruction is applied) and searched in Milvus.
 * Searching a collection with a different model's vectors would be meaningless, so the model version of the encoder
 * (or of the encoding chain it is the text tower of: the version the workers stamp on their vectors) selects the
 * collection.
 *
 * <p><b>A tenant sees only its own rows, and never benchmark rows.</b> Every search is restricted to the caller's
 * tenant ({@link Filters#tenantIs}, the collection's partition key) and to rows without a benchmark task
 * ({@link Filters#userContent()}), whatever filter the caller adds. The benchmark is replayed through the production
 * path into the reserved tenant {@link Tenants#BENCHMARK}, which no user credential carries; the quality job's served
 * path searches with {@link VectorSearcher} in that tenant only.
 */
public final class SemanticSearch implements TenantSearch {
    private final TextEncoder encoder;
    private final VectorSearcher searcher;
    private final String modelVersion;
    private final UnaryOperator<float[]> postProcess;

    public SemanticSearch(TextEncoder encoder, VectorSearcher searcher) {
        this(encoder, searcher, encoder.modelVersion(), UnaryOperator.identity());
    }

    /**
     * @param modelVersion the collection's model version (an encoding chain's, whose text tower {@code encoder} is)
     * @param postProcess  the chain's post-processing of a TEXT vector (the workers apply it to every vector they
     *                     publish, so the query must get it too)
     */
    public SemanticSearch(TextEncoder encoder, VectorSearcher searcher, String modelVersion,
                          UnaryOperator<float[]> postProcess) {
        this.encoder = encoder;
        this.searcher = searcher;
        this.modelVersion = modelVersion;
        this.postProcess = postProcess;
    }

    /** Top {@code k} content ids of {@code tenant} with cosine similarity, best first. */
    @Override
    public List<SearchHit> search(String tenant, String text, int k) {
        return search(tenant, text, k, null);
    }

    /**
     * As {@link #search(String, String, int)}, further restricted by a Milvus filter expression (see {@link Filters});
     * null = none. Other tenants' rows and benchmark rows are excluded either way.
     */
    public List<SearchHit> search(String tenant, String text, int k, String filterExpr) {
        return searcher.search(modelVersion, queryVector(text), k, userScope(tenant, filterExpr));
    }

    /**
     * The filter of every user search: {@code tenant}'s rows without a benchmark task, and {@code filterExpr} (null =
     * none). @throws IllegalArgumentException for an invalid tenant
     */
    static String userScope(String tenant, String filterExpr) {
        String problem = Tenants.nameProblem(tenant);
        if (problem != null) {
            throw new IllegalArgumentException("tenant '" + tenant + "' " + problem);
        }
        return Filters.and(Filters.and(Filters.tenantIs(tenant), Filters.userContent()), filterExpr);
    }

    @Override
    public Optional<StoredItem> find(String tenant, String contentId) {
        String problem = Tenants.nameProblem(tenant);
        if (problem != null) {
            throw new IllegalArgumentException("tenant '" + tenant + "' " + problem);
        }
        return searcher.find(modelVersion, tenant, contentId);
    }

    /**
     * The vector a search for {@code text} uses: the text embedded as a {@link Side#QUERY} and post-processed like
     * the workers' TEXT vectors (L2-normalised, model dimension).
     */
    public float[] queryVector(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("search text must not be blank");
        }
        return postProcess.apply(encoder.encode(List.of(text), Side.QUERY)[0]);
    }
}
