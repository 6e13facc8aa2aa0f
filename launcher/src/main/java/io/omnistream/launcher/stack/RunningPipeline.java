package io.omnistream.launcher.stack;

import java.net.URI;
import java.util.Collection;
import java.util.Map;

/**
 * What loading data into a running pipeline and waiting for it needs to know, whether the pipeline runs in this JVM
 * ({@link EmbeddedStack}) or as separate processes ({@code ./omnistream cluster}).
 */
public interface RunningPipeline {
    /** Base address of the ingest HTTP API. */
    URI ingestUri();

    /**
     * The API key this pipeline's own tools send (loaders, probes, the quality API): the demo key of
     * {@link DemoCredential}, scopes ingest, delete, search and read-quality.
     */
    String apiKey();

    /** The tenant of {@link #apiKey()}: every item loaded through it belongs to this tenant. */
    String tenant();

    String bootstrapServers();

    String mediaTopic();

    String embeddingTopic();

    String dlqTopic();

    /** Rows in Milvus per content id, for the encoding chain's current model version (0 where absent). */
    Map<String, Long> rowsPerContentId(Collection<String> contentIds);

    /** Id of the encoder's model, e.g. bge-small-en-v1.5. */
    String modelId();

    /** Version of the encoding chain: the version on every EmbeddingEvent and the Milvus collection's key. */
    String modelVersion();

    /** The ONNX Runtime execution provider the encoders run on (CPU, CUDA). */
    String executionProvider();
}
