package io.omnistream.launcher.upgrade;

import io.omnistream.encoder.cascade.Cascades;
import io.omnistream.encoder.cascade.EncodingChain;
import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.encoder.worker.EncoderWorker;
import io.omnistream.encoder.worker.WorkerMetrics;
import io.omnistream.milvus.config.MilvusSinkConfig;
import io.omnistream.milvus.search.VectorSearcher;
import io.omnistream.milvus.sink.MilvusSink;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.search.SemanticSearch;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The pipeline of a version the embedded stack did not start with (an upgrade's shadow, which may later become live):
 * its own encoder (loaded here), an encoder worker group and a sink group named after the model, so they read the
 * source and embedding topics from their beginnings independently of the live version's groups.
 *
 * <p>The worker skips benchmark events older than {@code benchmarkSkipBeforeMs} (the replay's past epochs): the shadow
 * joins the benchmark at the next replay epoch, which is then scored for both versions side by side.
 */
public final class ShadowPipeline implements ModelPipeline {
    private final TextEncoder encoder;
    private final EncodingChain chain;
    private final EncoderWorker worker;
    private final MilvusSink sink;
    private final SemanticSearch search;
    private final String workerGroup;
    private final String sinkGroup;

    private ShadowPipeline(TextEncoder encoder, EncodingChain chain, EncoderWorker worker, MilvusSink sink,
                           SemanticSearch search, String workerGroup, String sinkGroup) {
        this.encoder = encoder;
        this.chain = chain;
        this.worker = worker;
        this.sink = sink;
        this.search = search;
        this.workerGroup = workerGroup;
        this.sinkGroup = sinkGroup;
    }

    /** The worker group of {@code modelId} derived from the live group, e.g. {@code omnistream-encoder.all-minilm-l6-v2}. */
    public static String groupFor(String liveGroup, String modelId) {
        return liveGroup + "." + modelId;
    }

    /**
     * Loads {@code modelId}'s chain and starts its worker and sink.
     *
     * @param base                  the stack's effective configuration (endpoints, registry, security, encoder settings)
     * @param ensureTopic           creates the model's embedding topic (compacted) before anything writes it
     * @param searcher              the stack's searcher (one per JVM)
     * @param benchmarkSkipBeforeMs benchmark events older than this (ms since epoch) are not embedded
     */
    public static ShadowPipeline start(ConfigSource base, String modelId, long benchmarkSkipBeforeMs,
                                       PrometheusRegistry metrics, WorkerMetrics workerMetrics,
                                       ProviderMetrics providerMetrics, VectorSearcher searcher,
                                       Consumer<String> ensureTopic) {
        EncoderWorkerConfig live = new EncoderWorkerConfig(base);
        String workerGroup = groupFor(live.groupId(), modelId);
        EncoderWorkerConfig config = new EncoderWorkerConfig(base.with(Map.of(
                EncoderWorkerConfig.MODEL.key(), modelId,
                EncoderWorkerConfig.GROUP_ID.key(), workerGroup,
                EncoderWorkerConfig.BENCHMARK_SKIP_BEFORE_MS.key(), Long.toString(benchmarkSkipBeforeMs))));
        MilvusSinkConfig liveSink = MilvusSinkConfig.from(base);
        String sinkGroup = groupFor(liveSink.groupId(), modelId);
        MilvusSinkConfig sinkConfig = MilvusSinkConfig.from(base.with(Map.of(
                MilvusSinkConfig.SINK_TOPIC.key(), config.outputTopic(),
                MilvusSinkConfig.SINK_GROUP_ID.key(), sinkGroup)));
        ensureTopic.accept(config.outputTopic());

        TextEncoder encoder = TextEncoder.load(config.modelSpec(), config.encoderSettings(), providerMetrics);
        EncodingChain chain = null;
        EncoderWorker worker = null;
        MilvusSink sink = null;
        try {
            chain = Cascades.chain(config.modelSpec(), encoder, config.encoderSettings(), providerMetrics, config.whisper());
            EncodingChain c = chain;
            SemanticSearch search = new SemanticSearch(encoder, searcher, chain.modelVersion(),
                    v -> c.postProcess(v, Modality.TEXT));
            sink = new MilvusSink(sinkConfig, metrics);
            sink.start();
            worker = new EncoderWorker(config, chain, workerMetrics);
            worker.start();
            return new ShadowPipeline(encoder, chain, worker, sink, search, workerGroup, sinkGroup);
        } catch (RuntimeException | Error e) {
            if (worker != null) {
                worker.close();
            }
            if (sink != null) {
                sink.close();
            }
            if (chain != null) {
                chain.close();
            }
            encoder.close();
            throw e;
        }
    }

    @Override public EncodingChain chain() { return chain; }
    @Override public SemanticSearch search() { return search; }
    @Override public String workerGroup() { return workerGroup; }
    @Override public String sinkGroup() { return sinkGroup; }

    @Override
    public boolean running() {
        return worker.isRunning() && sink.isRunning();
    }

    /** Worker first (it feeds the sink), then the sink, then the model. */
    @Override
    public void close() {
        worker.close();
        sink.close();
        chain.close();
        encoder.close();
    }
}
