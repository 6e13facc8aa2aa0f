package io.omnistream.launcher.cli;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.omnistream.encoder.cascade.Cascades;
import io.omnistream.encoder.cascade.EncodingChain;
import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.encoder.model.EncoderSettings;
import io.omnistream.encoder.model.ModelRegistry;
import io.omnistream.encoder.model.ModelSpec;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.launcher.demo.SciFactDemo;
import io.omnistream.launcher.stack.LauncherConfig;
import io.omnistream.launcher.stack.RunningStackFile;
import io.omnistream.milvus.collection.CollectionManager;
import io.omnistream.milvus.collection.IndexSettings;
import io.omnistream.milvus.config.MilvusConnection;
import io.omnistream.milvus.lite.MilvusLiteServer;
import io.omnistream.milvus.search.SearchHit;
import io.omnistream.milvus.search.VectorSearcher;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.search.SemanticSearch;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = {
            "Embed TEXT with the model (as a query: BGE's query instruction is applied) and search Milvus.",
            "Uses the running stack from './omnistream demo' if there is one; otherwise starts Milvus Lite on the",
            "demo's data directory (<omnistream.home>/milvus-data) for the duration of the search.",
            "Prints content ids, cosine scores and, for SciFact ids, the titles."})
public final class SearchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TEXT", description = "What to search for.")
    String text;

    @Option(names = "--k", paramLabel = "N", defaultValue = "10", description = "Number of hits (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--milvus", paramLabel = "URI", description = "Search this Milvus instead (e.g. http://127.0.0.1:19530).")
    String milvusUri;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory with scifact.zip, for titles (default: ../shared/data/scifact).")
    Path data;

    @Mixin
    StackOptions stackOptions;

    @Override
    public Integer call() throws Exception {
        if (k < 1 || k > 16_384) {
            throw new IllegalArgumentException("--k must be in [1, 16384], got " + k);
        }
        ConfigSource config = stackOptions.configSource();
        LauncherConfig launcher = new LauncherConfig(config);
        String modelsFile = config.get(EncoderWorkerConfig.MODELS_FILE);
        ModelRegistry registry = modelsFile.isBlank() ? ModelRegistry.bundled() : ModelRegistry.load(modelsFile);
        ModelSpec spec = registry.get(config.get(EncoderWorkerConfig.MODEL));

        MilvusLiteServer started = null;
        String uri = milvusUri;
        if (uri == null) {
            uri = RunningStackFile.read(launcher.home()).map(m -> (String) m.get("milvus_uri")).orElse(null);
        }
        if (uri == null) {
            Path dataDir = launcher.home().resolve("milvus-data");
            if (!Files.isDirectory(dataDir)) {
                throw new IllegalStateException("no running stack and no Milvus data in " + dataDir + "; run './omnistream demo' first");
            }
            System.err.println("no running stack found; starting Milvus Lite on " + dataDir + " ...");
            started = MilvusLiteServer.builder(dataDir).venvDir(launcher.home().resolve("milvus-lite-venv"))
                    .logFile(launcher.home().resolve("milvus-lite-search.log")).build().start();
            uri = started.uri();
        }
        try (TextEncoder encoder = TextEncoder.load(spec, EncoderSettings.defaults(), new ProviderMetrics(new PrometheusRegistry()))) {
            MilvusClientV2 client = MilvusConnection.of(uri).open();
            try {
                VectorSearcher searcher = new VectorSearcher(client, new CollectionManager(client, IndexSettings.DEFAULT),
                        64, ConsistencyLevel.BOUNDED);
                // the chain's version (cascades, post-processing) names the collection the workers filled
                EncodingChain chain = Cascades.chain(spec, encoder);
                List<SearchHit> hits = new SemanticSearch(encoder, searcher, chain.modelVersion(),
                        v -> chain.postProcess(v, Modality.TEXT)).search(text, k);
                Map<String, String> titles = titles();
                System.out.printf("%d hits for \"%s\" (model %s, Milvus %s)%n", hits.size(), text, chain.modelVersion(), uri);
                int rank = 1;
                for (SearchHit hit : hits) {
                    System.out.printf("%3d. %.4f  %-16s %s%n", rank++, hit.score(), hit.contentId(),
                            titles.getOrDefault(hit.contentId(), ""));
                }
            } finally {
                client.close();
            }
        } finally {
            if (started != null) {
                started.close();
            }
        }
        return 0;
    }

    private Map<String, String> titles() {
        try {
            return SciFactDemo.titles(new SciFactCorpus(StackOptions.scifactZip(data)));
        } catch (Exception e) {
            // titles are a convenience (SciFact may not be beside the checkout); ids and scores are still printed
            return Map.of();
        }
    }
}
