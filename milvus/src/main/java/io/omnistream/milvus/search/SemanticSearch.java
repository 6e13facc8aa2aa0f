package io.omnistream.milvus.search;

import io.omnistream.encoder.model.Side;
import io.omnistream.encoder.model.TextEncoder;
import java.util.List;

/**
 * Text search over the collection of one model version: the query is embedded with the same {@link TextEncoder}
 * the workers use (as a {@link Side#QUERY}, so e.g. BGE's query instruction is applied) and searched in Milvus.
 * Searching a collection with a different model's vectors would be meaningless, so the model version of the encoder
 * selects the collection.
 */
public final class SemanticSearch {
    private final TextEncoder encoder;
    private final VectorSearcher searcher;

    public SemanticSearch(TextEncoder encoder, VectorSearcher searcher) {
        this.encoder = encoder;
        this.searcher = searcher;
    }

    /** Top {@code k} content ids with cosine similarity, best first. */
    public List<SearchHit> search(String text, int k) {
        return search(text, k, null);
    }

    /** As {@link #search(String, int)}, restricted by a Milvus filter expression (see {@link Filters}); null = none. */
    public List<SearchHit> search(String text, int k, String filterExpr) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("search text must not be blank");
        }
        float[] vector = encoder.encode(List.of(text), Side.QUERY)[0];
        return searcher.search(encoder.modelVersion(), vector, k, filterExpr);
    }
}
