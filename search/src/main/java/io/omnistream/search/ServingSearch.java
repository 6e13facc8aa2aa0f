package io.omnistream.search;

import io.omnistream.milvus.collection.CollectionManager.CollectionInfo;
import io.omnistream.milvus.collection.ServingAlias;
import io.omnistream.milvus.search.SearchHit;
import io.omnistream.milvus.search.StoredItem;
import io.omnistream.milvus.search.VectorSearcher;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * User search through a deployment's serving alias: every request asks Milvus where the alias points now
 * ({@link VectorSearcher#searchAlias}) and embeds the query with the model version of that collection. So a search
 * resolved before an upgrade's alias move completes on the old collection with the old model, one resolved after it on
 * the new one with the new model, and none mixes a query vector of one model with the vectors of another (two models
 * of the same dimension would not even fail: they would silently return nonsense). Tenant and benchmark scoping are
 * {@link SemanticSearch}'s.
 */
public final class ServingSearch implements TenantSearch {
    private final ServingAlias alias;
    private final VectorSearcher searcher;
    private final String aliasName;
    private final Function<String, Optional<SemanticSearch>> byModelVersion;

    /**
     * @param byModelVersion the search of each model version whose encoder this process holds (an upgrade's live,
     *                       shadow and previous versions)
     */
    public ServingSearch(ServingAlias alias, VectorSearcher searcher, String aliasName,
                         Function<String, Optional<SemanticSearch>> byModelVersion) {
        this.alias = alias;
        this.searcher = searcher;
        this.aliasName = aliasName;
        this.byModelVersion = byModelVersion;
    }

    @Override
    public List<SearchHit> search(String tenant, String text, int k) {
        String scope = SemanticSearch.userScope(tenant, null);
        return searcher.searchAlias(aliasName, version -> of(version).queryVector(text), k, scope).hits();
    }

    @Override
    public Optional<StoredItem> find(String tenant, String contentId) {
        return of(target().modelVersion()).find(tenant, contentId);
    }

    /** The model version the alias points to now. */
    public String modelVersion() {
        return target().modelVersion();
    }

    private SemanticSearch of(String modelVersion) {
        return byModelVersion.apply(modelVersion).orElseThrow(() -> new IllegalStateException("alias " + aliasName
                + " points to model version " + modelVersion + ", whose model this process has not loaded"));
    }

    private CollectionInfo target() {
        return alias.target(aliasName).orElseThrow(() -> new IllegalStateException("serving alias " + aliasName
                + " does not exist yet"));
    }
}
