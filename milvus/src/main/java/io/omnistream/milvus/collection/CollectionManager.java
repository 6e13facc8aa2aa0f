package io.omnistream.milvus.collection;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import io.milvus.v2.service.index.request.CreateIndexReq;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.index.response.DescribeIndexResp;
import io.milvus.v2.service.utility.request.ListAliasesReq;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, indexes and loads one collection per model version on first use, and checks an existing one matches.
 *
 * <p>Guarantees: {@link #ensureCollection} is idempotent and safe to call from many threads of one JVM (one bootstrap
 * per collection; later calls hit a cache). Racing JVMs are tolerated: "already exists" answers are treated as
 * success and the collection is re-described. Collection properties ({@value #PROP_MODEL_VERSION},
 * {@value #PROP_TOPIC}) record the exact model version and the source topic when a sink created it (the description
 * carries the same as JSON for humans, but Milvus Lite 3.2.2 does not store descriptions); a collection whose recorded model version differs, or whose vector
 * dimension differs, is refused with a clear error rather than silently mixed.
 *
 * <p>Milvus Lite note: the SDK's synchronous {@code createIndex} calls {@code AllocTimestamp}, which Milvus Lite
 * 3.2.2 does not implement (UNIMPLEMENTED). The index is therefore created with {@code sync(false)} and its state is
 * polled with {@code DescribeIndex}, which works on both Milvus Lite and Milvus standalone.
 */
public final class CollectionManager {
    private static final Logger LOG = LoggerFactory.getLogger(CollectionManager.class);
    private static final String DESCRIPTION_TAG = "omnistream-embeddings";
    /** Collection properties holding the exact model version and source topic (Milvus Lite drops descriptions). */
    static final String PROP_MODEL_VERSION = "omnistream.model_version";
    static final String PROP_TOPIC = "omnistream.topic";
    /** Upper bound for an index on an empty or freshly created collection to report Finished. */
    private static final Duration INDEX_READY_TIMEOUT = Duration.ofSeconds(60);

    private final MilvusClientV2 client;
    private final IndexSettings index;
    private final Map<String, CollectionInfo> ready = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** What is known about a ready (created, indexed, loaded) collection. */
    public record CollectionInfo(String name, String modelVersion, int dimension, String sourceTopic) {}

    public CollectionManager(MilvusClientV2 client, IndexSettings index) {
        this.client = Objects.requireNonNull(client);
        this.index = Objects.requireNonNull(index);
    }

    public IndexSettings indexSettings() {
        return index;
    }

    /**
     * Returns the ready collection for {@code modelVersion}, creating, indexing and loading it first if needed.
     *
     * @param dimension   vector dimension the caller will write
     * @param sourceTopic topic recorded in the description of a new collection (null when not created by a sink)
     * @throws DimensionMismatchException if the collection exists with another dimension (permanent)
     * @throws IllegalStateException      if the name is taken by a collection of another model version or of
     *                                    another shape (permanent: the classifier treats it as such only through
     *                                    the sink, which wraps it)
     */
    public CollectionInfo ensureCollection(String modelVersion, int dimension, String sourceTopic) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        String name = CollectionNames.forModelVersion(modelVersion);
        CollectionInfo info = ready.get(name);
        if (info == null) {
            synchronized (locks.computeIfAbsent(name, n -> new Object())) {
                info = ready.get(name);
                if (info == null) {
                    info = bootstrap(name, modelVersion, dimension, sourceTopic);
                    ready.put(name, info);
                }
            }
        }
        checkMatches(info, modelVersion, dimension);
        return info;
    }

    /** The existing collection of {@code modelVersion}, loaded; empty if it does not exist. Never creates. */
    public Optional<CollectionInfo> find(String modelVersion) {
        String name = CollectionNames.forModelVersion(modelVersion);
        CollectionInfo cached = ready.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        if (!client.hasCollection(HasCollectionReq.builder().collectionName(name).build())) {
            return Optional.empty();
        }
        return Optional.of(ensureCollection(modelVersion, describe(name).dimension(), null));
    }

    /**
     * The existing omnistream collection named {@code collectionName} (e.g. the target of a {@link ServingAlias}),
     * loaded; empty if no collection has that name. Never creates.
     *
     * @throws IllegalStateException if the collection records no model version (not created by omnistream) or its name
     *                               is not the one its model version maps to
     */
    public Optional<CollectionInfo> findByName(String collectionName) {
        CollectionInfo cached = ready.get(collectionName);
        if (cached != null) {
            return Optional.of(cached);
        }
        if (!client.hasCollection(HasCollectionReq.builder().collectionName(collectionName).build())) {
            return Optional.empty();
        }
        CollectionInfo described = describe(collectionName);
        if (described.modelVersion() == null) {
            throw new IllegalStateException("collection '" + collectionName + "' records no model version (property "
                    + PROP_MODEL_VERSION + "): it was not created by omnistream and cannot be served");
        }
        if (!CollectionNames.forModelVersion(described.modelVersion()).equals(collectionName)) {
            throw new IllegalStateException("collection '" + collectionName + "' records model version '"
                    + described.modelVersion() + "', whose collection is '"
                    + CollectionNames.forModelVersion(described.modelVersion()) + "'; refusing to serve a renamed copy");
        }
        return Optional.of(ensureCollection(described.modelVersion(), described.dimension(), null));
    }

    /**
     * Drops the collection of {@code modelVersion} (its rows are gone for good: the upgrade's abort and finish).
     *
     * <p>Refused while any alias names the collection, so the collection a serving alias points to is never dropped
     * from under searches. Milvus 2.5.5 and later refuse that themselves (milvus-io/milvus#40142); Milvus Lite 3.2.2
     * does not (it drops the collection and silently removes its aliases), hence the check here. The check and the
     * drop are two calls: an alias moved onto this collection between them by another process is not seen on Milvus
     * Lite, which is why one writer (the upgrade controller) owns the aliases and the drops.
     *
     * @return false if no collection of {@code modelVersion} existed
     * @throws IllegalStateException if an alias points to the collection, or the collection of that name records
     *                               another model version (a name clash: never drop another version's rows)
     */
    public boolean dropCollection(String modelVersion) {
        String name = CollectionNames.forModelVersion(modelVersion);
        synchronized (locks.computeIfAbsent(name, n -> new Object())) {
            if (!client.hasCollection(HasCollectionReq.builder().collectionName(name).build())) {
                ready.remove(name);
                return false;
            }
            CollectionInfo info = describe(name);
            if (info.modelVersion() != null && !info.modelVersion().equals(modelVersion)) {
                throw new IllegalStateException("refusing to drop collection '" + name + "' for model version '"
                        + modelVersion + "': it holds model version '" + info.modelVersion() + "'");
            }
            List<String> aliases = client.listAliases(ListAliasesReq.builder().collectionName(name).build()).getAlias();
            if (aliases != null && !aliases.isEmpty()) {
                throw new IllegalStateException("refusing to drop collection '" + name + "' (model version '"
                        + modelVersion + "'): alias(es) " + aliases + " point to it; move them to another model "
                        + "version (ServingAlias.point) or drop them first");
            }
            client.dropCollection(DropCollectionReq.builder().collectionName(name).build());
            ready.remove(name);
            LOG.info("dropped collection {} of model version {}", name, modelVersion);
            return true;
        }
    }

    /**
     * Every omnistream embedding collection whose description records {@code sourceTopic}: the collections a sink
     * on that topic must delete a tombstoned content id from, since a tombstone carries no model version.
     */
    public List<CollectionInfo> collectionsOfTopic(String sourceTopic) {
        List<CollectionInfo> result = new ArrayList<>();
        for (String name : client.listCollections().getCollectionNames()) {
            if (!name.startsWith(CollectionNames.PREFIX)) {
                continue;
            }
            CollectionInfo info = ready.get(name);
            if (info == null) {
                info = describe(name);
            }
            if (sourceTopic.equals(info.sourceTopic())) {
                result.add(info);
            }
        }
        return result;
    }

    /** Forgets cached state (e.g. after a collection was dropped behind this manager's back). */
    public void invalidate(String modelVersion) {
        ready.remove(CollectionNames.forModelVersion(modelVersion));
    }

    private CollectionInfo bootstrap(String name, String modelVersion, int dimension, String sourceTopic) {
        boolean exists = client.hasCollection(HasCollectionReq.builder().collectionName(name).build());
        if (!exists) {
            try {
                client.createCollection(CreateCollectionReq.builder()
                        .collectionName(name)
                        .description(description(modelVersion, sourceTopic))
                        .properties(properties(modelVersion, sourceTopic))
                        .collectionSchema(schema(dimension))
                        // Bounded: a search may miss writes of the last few seconds; the sink's readers
                        // (served-quality path, search CLI) ask for Strong where freshness matters.
                        .consistencyLevel(ConsistencyLevel.BOUNDED)
                        .build());
                LOG.info("created collection {} for model version {} ({}-d)", name, modelVersion, dimension);
            } catch (RuntimeException e) {
                if (!String.valueOf(e.getMessage()).contains("already exist")) {
                    throw e;
                }
                // another JVM won the race; fall through and check what it created
            }
        }
        CollectionInfo info = describe(name);
        checkMatches(info, modelVersion, dimension);
        ensureIndex(name);
        client.loadCollection(LoadCollectionReq.builder().collectionName(name).build());
        return info;
    }

    private void ensureIndex(String name) {
        if (indexOnVector(name).isEmpty()) {
            try {
                client.createIndex(CreateIndexReq.builder()
                        .collectionName(name)
                        .indexParams(List.of(index.toIndexParam()))
                        .sync(false)
                        .build());
                LOG.info("created {} COSINE index on {}.{} (M={}, efConstruction={})", index.type(), name,
                        EmbeddingFields.VECTOR, index.m(), index.efConstruction());
            } catch (RuntimeException e) {
                if (!String.valueOf(e.getMessage()).contains("already exist")) {
                    throw e;
                }
            }
        }
        long deadline = System.nanoTime() + INDEX_READY_TIMEOUT.toNanos();
        while (true) {
            Optional<DescribeIndexResp.IndexDesc> desc = indexOnVector(name);
            if (desc.isPresent() && desc.get().getIndexState() == io.milvus.v2.common.IndexBuildState.Finished) {
                return;
            }
            if (desc.isPresent() && desc.get().getIndexState() == io.milvus.v2.common.IndexBuildState.Failed) {
                throw new IllegalStateException("index build on " + name + " failed: " + desc.get().getIndexFailedReason());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("index on " + name + " not ready after " + INDEX_READY_TIMEOUT.toSeconds() + " s");
            }
            try {
                Thread.sleep(100); // polling an external server's state; there is no notification to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the index on " + name, e);
            }
        }
    }

    private Optional<DescribeIndexResp.IndexDesc> indexOnVector(String name) {
        try {
            DescribeIndexResp resp = client.describeIndex(DescribeIndexReq.builder()
                    .collectionName(name).fieldName(EmbeddingFields.VECTOR).build());
            return Optional.ofNullable(resp.getIndexDescByFieldName(EmbeddingFields.VECTOR));
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).toLowerCase().contains("index not found")
                    || String.valueOf(e.getMessage()).toLowerCase().contains("no index")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private CollectionInfo describe(String name) {
        DescribeCollectionResp d = client.describeCollection(DescribeCollectionReq.builder().collectionName(name).build());
        CreateCollectionReq.FieldSchema vector = d.getCollectionSchema().getField(EmbeddingFields.VECTOR);
        CreateCollectionReq.FieldSchema pk = d.getCollectionSchema().getField(EmbeddingFields.ROW_KEY);
        if (vector == null || vector.getDataType() != DataType.FloatVector
                || d.getCollectionSchema().getField(EmbeddingFields.CONTENT_ID) == null) {
            throw new IllegalStateException("collection '" + name + "' exists but is not an omnistream embedding "
                    + "collection (fields " + d.getFieldNames() + ")");
        }
        if (pk == null || !Boolean.TRUE.equals(pk.getIsPrimaryKey())) {
            // Keyed by content id alone, two tenants' rows with one id would overwrite each other: never write to it.
            throw new IllegalStateException("collection '" + name + "' was created by an omnistream release before "
                    + "tenant isolation (primary key content_id, no " + EmbeddingFields.ROW_KEY + "); drop it (or "
                    + "delete the Milvus data directory) and reset the sink's consumer group to the earliest offset "
                    + "so that it is rebuilt from the compacted embedding topic");
        }
        Map<String, String> props = d.getProperties() == null ? Map.of() : d.getProperties();
        String modelVersion = props.get(PROP_MODEL_VERSION);
        String topic = props.get(PROP_TOPIC);
        if (modelVersion != null) {
            return new CollectionInfo(name, modelVersion, vector.getDimension(), topic);
        }
        try {
            JsonObject meta = JsonParser.parseString(d.getDescription()).getAsJsonObject();
            if (meta.has("tag") && DESCRIPTION_TAG.equals(meta.get("tag").getAsString())) {
                modelVersion = meta.has("modelVersion") ? meta.get("modelVersion").getAsString() : null;
                topic = meta.has("topic") ? meta.get("topic").getAsString() : null;
            }
        } catch (RuntimeException notJson) {
            // created by someone else; modelVersion stays unknown and is not checked
        }
        return new CollectionInfo(name, modelVersion, vector.getDimension(), topic);
    }

    private static void checkMatches(CollectionInfo info, String modelVersion, int dimension) {
        if (info.modelVersion() != null && !info.modelVersion().equals(modelVersion)) {
            throw new IllegalStateException("collection name clash: '" + info.name() + "' holds model version '"
                    + info.modelVersion() + "', not '" + modelVersion + "' (names are derived lossily; rename one)");
        }
        if (info.dimension() != dimension) {
            throw new DimensionMismatchException(info.name(), modelVersion, info.dimension(), dimension);
        }
    }

    static Map<String, String> properties(String modelVersion, String sourceTopic) {
        Map<String, String> props = new java.util.HashMap<>();
        props.put(PROP_MODEL_VERSION, modelVersion);
        if (sourceTopic != null) {
            props.put(PROP_TOPIC, sourceTopic);
        }
        return props;
    }

    static String description(String modelVersion, String sourceTopic) {
        JsonObject meta = new JsonObject();
        meta.addProperty("tag", DESCRIPTION_TAG);
        meta.addProperty("modelVersion", modelVersion);
        if (sourceTopic != null) {
            meta.addProperty("topic", sourceTopic);
        }
        return meta.toString();
    }

    private static CreateCollectionReq.CollectionSchema schema(int dimension) {
        CreateCollectionReq.CollectionSchema s = CreateCollectionReq.CollectionSchema.builder().build();
        s.addField(AddFieldReq.builder().fieldName(EmbeddingFields.ROW_KEY).dataType(DataType.VarChar)
                .maxLength(EmbeddingFields.ROW_KEY_MAX_LENGTH).isPrimaryKey(true).autoID(false).build());
        s.addField(AddFieldReq.builder().fieldName(EmbeddingFields.CONTENT_ID).dataType(DataType.VarChar)
                .maxLength(EmbeddingFields.CONTENT_ID_MAX_LENGTH).build());
        s.addField(AddFieldReq.builder().fieldName(EmbeddingFields.VECTOR).dataType(DataType.FloatVector)
                .dimension(dimension).build());
        s.addField(AddFieldReq.builder().fieldName(EmbeddingFields.MODALITY).dataType(DataType.VarChar)
                .maxLength(EmbeddingFields.MODALITY_MAX_LENGTH).build());
        s.addField(AddFieldReq.builder().fieldName(EmbeddingFields.TENANT).dataType(DataType.VarChar)
                .maxLength(EmbeddingFields.TENANT_MAX_LENGTH).isPartitionKey(true).build());
        s.addField(AddFieldReq.builder().fieldName(EmbeddingFields.EVENT_TIME_MS).dataType(DataType.Int64).build());
        s.addField(AddFieldReq.builder().fieldName(EmbeddingFields.TASK_ID).dataType(DataType.VarChar)
                .maxLength(EmbeddingFields.TASK_ID_MAX_LENGTH).build());
        return s;
    }
}
