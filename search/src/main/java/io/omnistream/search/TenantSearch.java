package io.omnistream.search;

import io.omnistream.milvus.search.SearchHit;
import io.omnistream.milvus.search.StoredItem;
import java.util.List;
import java.util.Optional;

/**
 * A text search within one tenant's rows: the port the search API answers through. {@link SemanticSearch} is the
 * implementation (ONNX Runtime + Milvus); the port lets the HTTP layer's own rules (credentials, scopes, limits) be
 * tested apart from a model and a Milvus server, which the launcher's integration tests run for real.
 */
public interface TenantSearch {
    /**
     * Top {@code k} content ids of {@code tenant} for {@code text}, best first.
     *
     * @throws IllegalArgumentException for a blank text or an invalid tenant
     */
    List<SearchHit> search(String tenant, String text, int k);

    /** The stored item {@code contentId} of {@code tenant}; empty if that tenant holds no such id. */
    Optional<StoredItem> find(String tenant, String contentId);
}
