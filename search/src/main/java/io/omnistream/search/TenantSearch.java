package io.omnistream.search;

import io.omnistream.milvus.search.SearchHit;
import java.util.List;

/**
 * A text search within one tenant's rows: the port the search API answers through. {@link SemanticSearch} is the
 * implementation (ONNX Runtime + Milvus); the port lets the HTTP layer's own rules (credentials, scopes, limits) be
 * tested apart from a model and a Milvus server, which the launcher's integration tests run for real.
 */
@FunctionalInterface
public interface TenantSearch {
    /**
     * Top {@code k} content ids of {@code tenant} for {@code text}, best first.
     *
     * @throws IllegalArgumentException for a blank text or an invalid tenant
     */
    List<SearchHit> search(String tenant, String text, int k);
}
