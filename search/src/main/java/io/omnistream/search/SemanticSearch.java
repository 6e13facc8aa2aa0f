package io.omnistream.search;

import io.omnistream.encoder.model.Side;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.milvus.search.Filters;
import io.omnistream.milvus.search.SearchHit;
import io.omnistream.milvus.search.VectorSearcher;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Text search over the collection of one model version: the query is embedded with the same {@link TextEncoder}
 * the workers use (as a {@link Side#QUERY}, so e.g. BGE's query instruction is applied) and searched in Milvus.
 * Searching a collection with a different model's vectors would be meaningless, so the model version of the encoder
 * (or of the encoding chain it is the text tower of: the version the workers stamp on their vectors) selects the
 * collection.
 *
 * <p><b>Users never see benchmark rows.</b> The benchmark is replayed through the production path on purpose, so its
 * candidates sit in the same collection as users' content; every search here is restricted to rows without a
 * benchmark task ({@link Filters#userContent()}), whatever filter the caller adds. The quality job's served path
 * searches with {@link VectorSearcher} and {@link Filters#taskIs} instead, and so sees only its task's rows.
 */
public final class SemanticSearch {
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

    /** Top {@code k} content ids with cosine similarity, best first. */
    public List<SearchHit> search(String text, int k) {
        return search(text, k, null);
    }

    /**
     * As {@link #search(String, int)}, further restricted by a Milvus filter expression (see {@link Filters}); null =
     * none. Benchmark rows are excluded either way.
     */
    public List<SearchHit> search(String text, int k, String filterExpr) {
        return searcher.search(modelVersion, queryVector(text), k, Filters.and(Filters.userContent(), filterExpr));
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
