package io.omnistream.launcher.upgrade;

import io.omnistream.encoder.cascade.EncodingChain;
import io.omnistream.milvus.collection.CollectionNames;
import io.omnistream.schemas.Topics;
import io.omnistream.schemas.avro.ModelTarget;
import io.omnistream.search.SemanticSearch;
import java.util.List;

/**
 * One model version's path from the source topic to its Milvus collection inside the embedded stack: an encoder
 * worker group on {@code media.events.v1} writing {@code embeddings.<model>.v1}, and a sink group filling the
 * version's collection, plus the search that embeds queries with the same chain. The live version's pipeline is the
 * stack's own; an upgrade's shadow gets one of its own ({@link ShadowPipeline}).
 */
public interface ModelPipeline extends AutoCloseable {
    /** The encoding chain (text tower, cascades, post-processing) the worker embeds with. */
    EncodingChain chain();

    /** Search over this version's collection, queries embedded with {@link #chain()}. */
    SemanticSearch search();

    /** Consumer group of the encoder worker on the source topic. */
    String workerGroup();

    /** Consumer group of the sink on the embedding topic. */
    String sinkGroup();

    /** Whether worker and sink are running (neither stopped on its own). */
    boolean running();

    /** The topics whose lag must be 0 for this version to be caught up: source → worker group, embeddings → sink group. */
    default List<String[]> lagChecks(String sourceTopic) {
        return List.of(new String[] {sourceTopic, workerGroup()}, new String[] {embeddingTopic(), sinkGroup()});
    }

    default String modelVersion() {
        return chain().modelVersion();
    }

    default String embeddingTopic() {
        return Topics.embeddings(chain().modelId());
    }

    /** What the deployment record names for this version. */
    default ModelTarget target() {
        return ModelTarget.newBuilder().setModelId(chain().modelId()).setModelVersion(modelVersion())
                .setEmbeddingTopic(embeddingTopic()).setCollection(CollectionNames.forModelVersion(modelVersion()))
                .build();
    }

    /** Stops the worker and the sink, each after finishing and committing its in-flight batch. */
    @Override
    void close();
}
