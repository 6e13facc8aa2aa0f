package io.omnistream.milvus.collection;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.utility.request.AlterAliasReq;
import io.milvus.v2.service.utility.request.CreateAliasReq;
import io.milvus.v2.service.utility.request.DescribeAliasReq;
import io.milvus.v2.service.utility.request.DropAliasReq;
import io.milvus.v2.service.utility.request.ListAliasesReq;
import io.omnistream.milvus.collection.CollectionManager.CollectionInfo;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving alias of a deployment: a Milvus collection alias ({@code omnistream_<deployment>}) naming the collection
 * of the model version that serves it. An upgrade fills the new version's collection beside the old one, then moves
 * the alias in one call ({@link #point}); a rollback is one move back; the old collection stays until it is dropped
 * ({@link CollectionManager#dropCollection}, refused while an alias points to it).
 *
 * <p>Atomicity: {@link #point} is one {@code AlterAlias} call (a {@code CreateAlias} the first time). Milvus replaces
 * the alias's target in one metadata write (documented as an atomic reassignment; on Milvus Lite 3.2.2 one in-memory
 * map assignment, then an atomic file replace), so a reader resolves the alias to the old or to the new collection,
 * never to none. Once {@link #point} returned, every {@link #target} call returns the new collection. A search
 * resolved just before the move still completes on the old collection, which is why it is kept until the upgrade
 * finishes.
 *
 * <p>Thread-safe and stateless: nothing about an alias is cached here (the target is asked from Milvus on every
 * {@link #target} call); only the immutable facts of a collection (model version, dimension) are cached by
 * {@link CollectionManager}.
 */
public final class ServingAlias {
    private static final Logger LOG = LoggerFactory.getLogger(ServingAlias.class);
    /** Distinct from {@link CollectionNames#PREFIX}, so an alias name never equals a collection name. */
    public static final String PREFIX = "omnistream_";

    private final MilvusClientV2 client;
    private final CollectionManager collections;

    public ServingAlias(MilvusClientV2 client, CollectionManager collections) {
        this.client = Objects.requireNonNull(client);
        this.collections = Objects.requireNonNull(collections);
    }

    /**
     * The alias name of a deployment ({@code Deployment.name}), e.g. {@code default} → {@code omnistream_default};
     * sanitised as {@link CollectionNames#forModelVersion} does (lossy: {@code a-b} and {@code a.b} share an alias).
     */
    public static String nameFor(String deployment) {
        return CollectionNames.milvusName(PREFIX, deployment, "deployment name");
    }

    /**
     * Points {@code alias} at the collection of {@code modelVersion}: creates the alias if absent, else moves it, in
     * one server call (see the class comment for the guarantee). The collection must exist; it is indexed and loaded
     * before the alias moves, so the first search through the moved alias does not meet an unloaded collection.
     * Pointing at the current target makes no write call.
     *
     * @return the collection the alias now names
     * @throws IllegalStateException if {@code modelVersion} has no collection
     */
    public CollectionInfo point(String alias, String modelVersion) {
        requireAlias(alias);
        CollectionInfo target = collections.find(modelVersion).orElseThrow(() -> new IllegalStateException(
                "cannot point alias '" + alias + "' at model version '" + modelVersion + "': its collection '"
                        + CollectionNames.forModelVersion(modelVersion) + "' does not exist"));
        Optional<String> current = targetName(alias);
        if (current.isPresent() && current.get().equals(target.name())) {
            LOG.info("serving alias {} already -> {} (model version {})", alias, target.name(), target.modelVersion());
        } else if (current.isPresent()) {
            alter(alias, target);
        } else {
            try {
                client.createAlias(CreateAliasReq.builder().alias(alias).collectionName(target.name()).build());
                LOG.info("serving alias {} created -> {} (model version {})", alias, target.name(), target.modelVersion());
            } catch (MilvusClientException e) {
                if (!exists(alias)) {
                    throw e;
                }
                // created by another caller since we looked: move it
                alter(alias, target);
            }
        }
        return target;
    }

    /**
     * The collection {@code alias} names now, with the model version it records; empty if the alias does not exist.
     * One {@code DescribeAlias} call per invocation (plus a {@code DescribeCollection} the first time a collection is
     * seen by this JVM): never an answer from before a completed {@link #point}.
     */
    public Optional<CollectionInfo> target(String alias) {
        requireAlias(alias);
        return targetName(alias).map(collection -> collections.findByName(collection).orElseThrow(() ->
                new IllegalStateException("alias '" + alias + "' points to collection '" + collection
                        + "', which does not exist")));
    }

    /** Drops {@code alias} (not its collection). @return false if it did not exist */
    public boolean drop(String alias) {
        requireAlias(alias);
        if (!exists(alias)) {
            return false;
        }
        client.dropAlias(DropAliasReq.builder().alias(alias).build());
        LOG.info("serving alias {} dropped", alias);
        return true;
    }

    private Optional<String> targetName(String alias) {
        try {
            return Optional.of(client.describeAlias(DescribeAliasReq.builder().alias(alias).build()).getCollectionName());
        } catch (MilvusClientException e) {
            // Servers differ in the code of "no such alias" (Milvus Lite 3.2.2: 100); ask the list before calling it absent.
            if (!exists(alias)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void alter(String alias, CollectionInfo target) {
        client.alterAlias(AlterAliasReq.builder().alias(alias).collectionName(target.name()).build());
        LOG.info("serving alias {} moved -> {} (model version {})", alias, target.name(), target.modelVersion());
    }

    private boolean exists(String alias) {
        // The SDK rejects a null collection name; the empty one lists every alias of the database.
        List<String> all = client.listAliases(ListAliasesReq.builder().collectionName("").build()).getAlias();
        return all != null && all.contains(alias);
    }

    private static void requireAlias(String alias) {
        if (alias == null || alias.isBlank()) {
            throw new IllegalArgumentException("alias must not be blank");
        }
    }
}
