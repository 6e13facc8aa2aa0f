package io.omnistream.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.omnistream.launcher.stack.DemoCredential;
import io.omnistream.launcher.stack.LauncherConfig;
import io.omnistream.launcher.stack.RunningStackFile;
import io.omnistream.milvus.collection.CollectionManager;
import io.omnistream.milvus.collection.IndexSettings;
import io.omnistream.milvus.config.MilvusConnection;
import io.omnistream.milvus.lite.MilvusLiteServer;
import io.omnistream.milvus.search.SearchHit;
import io.omnistream.milvus.search.VectorSearcher;
import io.omnistream.runtime.auth.AuthResult;
import io.omnistream.runtime.auth.Authenticator;
import io.omnistream.runtime.auth.Authenticators;
import io.omnistream.runtime.auth.Authorization;
import io.omnistream.runtime.auth.Scope;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.search.SemanticSearch;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = {
            "Embed TEXT with the model (as a query: BGE's query instruction is applied) and search Milvus, within the",
            "tenant of the API key (--api-key, default: the demo key in <omnistream.home>/demo-api-key).",
            "Uses the search API of the running stack from './omnistream demo' if there is one; otherwise starts",
            "Milvus Lite on the demo's data directory (<omnistream.home>/milvus-data) for the duration of the search",
            "and checks the key against the local key store. Prints content ids, cosine scores and SciFact titles."})
public final class SearchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TEXT", description = "What to search for.")
    String text;

    @Option(names = "--k", paramLabel = "N", defaultValue = "10", description = "Number of hits (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--milvus", paramLabel = "URI", description = "Search this Milvus instead (e.g. http://127.0.0.1:19530).")
    String milvusUri;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory with scifact.zip, for titles (default: ../shared/data/scifact).")
    Path data;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "API key with scope 'search' (default: the demo key in <omnistream.home>/demo-api-key).")
    String apiKey;

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

        String key = apiKey != null ? apiKey : DemoCredential.read(launcher.home()).orElseThrow(() ->
                new IllegalArgumentException("no API key: pass --api-key, or run './omnistream demo' once (it writes "
                        + launcher.home().resolve(DemoCredential.FILE) + ")"));
        if (milvusUri == null) {
            Optional<String> api = RunningStackFile.read(launcher.home()).map(m -> (String) m.get("search_uri"));
            if (api.isPresent()) {
                return searchOverHttp(URI.create(api.get()), key);
            }
        }
        // no running stack: search the local data directly, but only as the key's tenant
        AuthResult auth = Authenticators.from(config, launcher.home()).authenticate("Bearer " + key);
        if (!(auth instanceof AuthResult.Authenticated ok)) {
            throw new IllegalArgumentException("the API key is not valid here: " + auth);
        }
        if (Authenticator.authorize(ok.principal(), Scope.SEARCH, null) instanceof Authorization.Forbidden f) {
            throw new IllegalArgumentException(f.reason());
        }
        String tenant = ok.principal().tenant();

        MilvusLiteServer started = null;
        String uri = milvusUri;
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
                chain.close(); // only its version and text post-processing are used: no recogniser is needed
                List<SearchHit> hits = new SemanticSearch(encoder, searcher, chain.modelVersion(),
                        v -> chain.postProcess(v, Modality.TEXT)).search(tenant, text, k);
                Map<String, String> titles = titles();
                System.out.printf("%d hits for \"%s\" (tenant %s, model %s, Milvus %s)%n", hits.size(), text, tenant,
                        chain.modelVersion(), uri);
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

    /** POST /v1/search on the running stack's search API. */
    private int searchOverHttp(URI api, String key) throws Exception {
        ObjectMapper json = new ObjectMapper();
        String body = json.writeValueAsString(Map.of("text", text, "k", k));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(api.resolve("/v1/search"))
                        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            System.err.println("search API answered " + r.statusCode() + ": " + r.body());
            return 1;
        }
        JsonNode hits = json.readTree(r.body()).path("hits");
        Map<String, String> titles = titles();
        System.out.printf("%d hits for \"%s\" (search API %s)%n", hits.size(), text, api);
        int rank = 1;
        for (JsonNode hit : hits) {
            String id = hit.path("contentId").asText();
            System.out.printf("%3d. %.4f  %-16s %s%n", rank++, hit.path("score").asDouble(), id, titles.getOrDefault(id, ""));
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
