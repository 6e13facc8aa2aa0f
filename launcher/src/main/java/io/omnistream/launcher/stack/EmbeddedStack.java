package io.omnistream.launcher.stack;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.omnistream.encoder.cascade.Cascades;
import io.omnistream.encoder.cascade.ToolSandbox;
import io.omnistream.encoder.cascade.EncodingChain;
import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.encoder.worker.EncoderWorker;
import io.omnistream.encoder.worker.WorkerMetrics;
import io.omnistream.flink.bias.job.BiasJobConfig;
import io.omnistream.flink.bias.job.ModalityBiasJob;
import io.omnistream.flink.quality.job.QualityJobConfig;
import io.omnistream.flink.quality.job.RetrievalQualityJob;
import io.omnistream.flink.upgrade.job.UpgradeGateConfig;
import io.omnistream.flink.upgrade.job.UpgradeGateJob;
import io.omnistream.ingest.config.IngestConfig;
import io.omnistream.ingest.http.IngestServer;
import io.omnistream.ingest.produce.MediaEventProducer;
import io.omnistream.kafka.broker.EmbeddedKafka;
import io.omnistream.launcher.upgrade.ControlServer;
import io.omnistream.launcher.upgrade.DeploymentStore;
import io.omnistream.launcher.upgrade.KafkaGroups;
import io.omnistream.launcher.upgrade.ModelPipeline;
import io.omnistream.launcher.upgrade.ShadowPipeline;
import io.omnistream.launcher.upgrade.UpgradeController;
import io.omnistream.milvus.collection.CollectionManager;
import io.omnistream.milvus.collection.ServingAlias;
import io.omnistream.milvus.config.MilvusSinkConfig;
import io.omnistream.milvus.lite.MilvusLiteServer;
import io.omnistream.milvus.search.VectorSearcher;
import io.omnistream.milvus.sink.MilvusSink;
import io.omnistream.quality.metrics.DriftAlertsConsumer;
import io.omnistream.quality.metrics.PipelineMonitor;
import io.omnistream.quality.service.QualityPlane;
import io.omnistream.quality.service.QualityServiceConfig;
import io.omnistream.quality.view.ActiveDriftAlerts;
import io.omnistream.quality.view.QualityMetricsView;
import io.omnistream.runtime.auth.ApiKeyStore;
import io.omnistream.runtime.auth.AuthOptions;
import io.omnistream.runtime.auth.Authenticator;
import io.omnistream.runtime.auth.Authenticators;
import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.http.HttpTimeouts;
import io.omnistream.runtime.kafka.KafkaOptions;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.search.SemanticSearch;
import io.omnistream.search.http.SearchConfig;
import io.omnistream.search.http.SearchServer;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import io.omnistream.replay.BenchmarkReplayer;
import io.omnistream.replay.BenchmarkTask;
import io.omnistream.replay.JudgmentProducer;
import io.omnistream.replay.RetrievalTaskReader;
import io.omnistream.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one process: in-JVM KRaft Kafka, the {@code mock://} schema registry scope, a Milvus Lite gRPC
 * server (child process), the ingest HTTP API, one encoder worker, the Milvus sink and the retrieval-quality Flink job
 * (MiniCluster), plus a Prometheus endpoint and the quality plane ({@link QualityPlane}: quality gauges and the live page).
 *
 * <p>Components start in dependency order and {@link #close()} stops them in reverse: ingest first (no new input),
 * then the worker and the sink (each finishes its in-flight batch and commits), then Milvus and Kafka. Nothing is
 * lost on a clean close: offsets are committed only after the next stage acknowledged.
 */
public final class EmbeddedStack implements AutoCloseable, RunningPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);
    /** The embedded stack's registry scope; every component in this JVM shares it. */
    public static final String REGISTRY_URL = "mock://omnistream";

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final PrometheusRegistry metrics = new PrometheusRegistry();
    private final ConfigSource config;
    private final LauncherConfig launcher;
    private EmbeddedKafka kafka;
    private String bootstrapServers;
    /** The SCRAM password of the SASL_SSL broker ({@code launcher.kafka.sasl-ssl}); null for a PLAINTEXT one. */
    private String kafkaPassword;
    private ConfigSource effectiveConfig;
    private MilvusLiteServer milvusLite;
    private String milvusUri;
    private TextEncoder encoder;
    private EncodingChain chain;
    private WorkerMetrics workerMetrics;
    private EncoderWorkerConfig workerConfig;
    private EncoderWorker worker;
    private MilvusSink sink;
    private MediaEventProducer producer;
    private IngestServer ingest;
    private MilvusClientV2 milvusClient;
    private CollectionManager collections;
    private VectorSearcher searcher;
    private SemanticSearch search;
    private SearchServer searchServer;
    private Authenticator authenticator;
    private DemoCredential.Key apiKey;
    private HTTPServer metricsServer;
    private String embeddingTopic;
    private QualityJobConfig qualityConfig;
    private QualityPlane quality;
    private BiasJobConfig biasConfig;
    private MilvusSinkConfig sinkConfig;
    private ProviderMetrics providerMetrics;
    private UpgradeController upgrades;
    private ControlServer control;

    private EmbeddedStack(ConfigSource config) {
        this.config = config;
        this.launcher = new LauncherConfig(config);
    }

    /** Starts every component; on failure stops what was started and rethrows. Progress lines go to {@code out}. */
    public static EmbeddedStack start(ConfigSource config, PrintStream out) {
        EmbeddedStack stack = new EmbeddedStack(config);
        try {
            stack.startAll(out);
            return stack;
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(PrintStream out) {
        long t0 = System.nanoTime();
        Path home = launcher.home();
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + home, e);
        }

        out.println("log file (framework warnings, our components' INFO lines): " + LogFile.path());
        // before the first HTTP server of this JVM exists (the JDK reads them once per process)
        HttpTimeouts.install(config);
        // every HTTP surface checks credentials; the stack's own tools (demo loader, search command) use the demo key
        if (!config.get(AuthOptions.MODE).apiKeys()) {
            throw new ConfigException("the embedded stack needs " + AuthOptions.MODE.key() + " api-key or api-key+jwt: "
                    + "its demo loader and commands authenticate with an API key");
        }
        apiKey = DemoCredential.ensure(home, ApiKeyStore.open(AuthOptions.keyStoreFile(config, home),
                config.get(AuthOptions.KEY_STORE_RELOAD)));
        authenticator = Authenticators.from(config, home);
        if (launcher.externalKafka().isEmpty()) {
            if (launcher.kafkaSaslSsl()) {
                // every component connects with SCRAM over TLS, through the shared kafka.* keys set below
                out.println("starting Kafka (in-JVM KRaft broker, SASL_SSL listener)...");
                kafkaPassword = randomPassword();
                kafka = track(EmbeddedKafka.startSaslSsl(Map.of(KAFKA_USER, kafkaPassword)));
            } else {
                out.println("starting Kafka (in-JVM KRaft broker)...");
                kafka = track(EmbeddedKafka.start());
            }
            bootstrapServers = kafka.bootstrapServers();
        } else {
            bootstrapServers = launcher.externalKafka();
        }

        if (launcher.externalMilvus().isEmpty()) {
            out.println("starting Milvus Lite gRPC server (creates its Python venv on first use)...");
            Path dataDir = home.resolve("milvus-data");
            if (launcher.freshMilvus()) {
                dataDir = tempDir("omnistream-milvus");
                Path fresh = dataDir;
                track(() -> EmbeddedKafka.deleteRecursively(fresh)); // closed after the server, which is tracked next
            }
            milvusLite = track(MilvusLiteServer.builder(dataDir)
                    .venvDir(home.resolve("milvus-lite-venv"))
                    .logFile(home.resolve("milvus-lite.log"))
                    .build().start());
            milvusUri = milvusLite.uri();
        } else {
            milvusUri = launcher.externalMilvus();
        }

        // endpoints this launcher owns win over whatever the config layers say
        Map<String, String> endpoints = new HashMap<>();
        endpoints.put("kafka.bootstrap.servers", bootstrapServers);
        if (kafkaPassword != null) {
            endpoints.put(KafkaOptions.SECURITY_PROTOCOL.key(), "SASL_SSL");
            endpoints.put(KafkaOptions.SASL_MECHANISM.key(), "SCRAM-SHA-512");
            endpoints.put(KafkaOptions.SASL_USERNAME.key(), KAFKA_USER);
            endpoints.put(KafkaOptions.SASL_PASSWORD.key(), kafkaPassword);
            endpoints.put(KafkaOptions.SSL_TRUSTSTORE_LOCATION.key(), kafka.truststorePem().orElseThrow().toString());
        }
        endpoints.put("milvus.uri", milvusUri);
        ConfigSource base = config.with(Map.of("schema.registry.url", REGISTRY_URL)).with(endpoints);
        workerConfig = new EncoderWorkerConfig(base);
        embeddingTopic = workerConfig.outputTopic();
        ConfigSource effective = base.with(Map.of("sink.topic", embeddingTopic));
        effectiveConfig = effective;
        IngestConfig ingestConfig = IngestConfig.from(effective);

        TopicBootstrap.ensurePipelineTopics(workerConfig, ingestConfig, launcher.partitions());

        // the media tools of this JVM's worker run under the configured limits (encoder.tools.*), as in the service
        ToolSandbox.install(ToolSandbox.of(workerConfig.toolLimits()));
        out.println("loading model " + workerConfig.modelSpec().id() + " (" + workerConfig.modelSpec().version() + ")...");
        providerMetrics = new ProviderMetrics(metrics);
        encoder = track(TextEncoder.load(workerConfig.modelSpec(), workerConfig.encoderSettings(), providerMetrics));
        // the model's cascades (OCR / speech recognition) and native towers for non-text modalities, if any
        chain = track(Cascades.chain(workerConfig.modelSpec(), encoder, workerConfig.encoderSettings(), providerMetrics,
                workerConfig.whisper()));
        workerMetrics = new WorkerMetrics(metrics);
        startWorker();

        sinkConfig = MilvusSinkConfig.from(effective);
        sink = track(new MilvusSink(sinkConfig, metrics));
        sink.start();

        milvusClient = sinkConfig.milvus().open();
        track(milvusClient::close);
        // the stack's own collection manager, on its own client: an upgrade's finish closes the sink it started with,
        // and search, the serving alias and the upgrade controller outlive it. The controller creates a version's
        // collection before that version's sink writes to it, so sinks find it ready instead of racing to create it.
        collections = new CollectionManager(milvusClient, sinkConfig.index());
        searcher = new VectorSearcher(milvusClient, collections, sinkConfig.searchEf(), ConsistencyLevel.STRONG);
        search = new SemanticSearch(encoder, searcher, chain.modelVersion(), v -> chain.postProcess(v, Modality.TEXT));
        upgrades = track(startUpgrades(effective));

        if (launcher.qualityJob()) {
            startQualityJob(effective, out);
        }
        if (launcher.biasJob()) {
            startBiasJob(effective, out);
        }
        if (launcher.gateJob() && launcher.qualityJob()) {
            startGateJob(effective, out); // it decides on the quality job's figures
        }
        // the quality plane: the quality/bias/drift read model and its gauges, consumer lag, the live page. The stack's
        // endpoints and the launcher's page port win over the quality-service.* keys of the config layers.
        quality = track(QualityPlane.start(QualityServiceConfig.from(effective.with(
                Map.of(QualityServiceConfig.WEB_PORT.key(), Integer.toString(launcher.webPort())))), metrics, authenticator));

        producer = track(new MediaEventProducer(ingestConfig));
        try {
            ingest = track(new IngestServer(ingestConfig, producer, metrics, authenticator).start());
            // user search follows the deployment's serving alias (an upgrade's promote moves it)
            searchServer = track(new SearchServer(SearchConfig.from(effective), upgrades.search(), authenticator).start());
            control = track(new ControlServer(upgrades, authenticator, launcher.controlPort()));
            metricsServer = HTTPServer.builder().port(launcher.metricsPort()).registry(metrics).buildAndStart();
            track(metricsServer::close);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start HTTP endpoints: " + e.getMessage(), e);
        }
        out.printf("stack up in %.1f s: ingest %s, search %s, metrics http://127.0.0.1:%d/metrics, quality page %s, Kafka %s, Milvus %s, execution provider %s%n",
                (System.nanoTime() - t0) / 1e9, ingest.baseUri(), searchServer.baseUri(), metricsServer.getPort(),
                quality.pageUri(), bootstrapServers, milvusUri, encoder.activeProvider());
        if (apiKey.created()) {
            out.println(DemoCredential.usage(apiKey, ingest.baseUri().toString()));
        } else {
            out.println("API key of tenant '" + DemoCredential.TENANT + "': " + apiKey.file());
        }
    }

    /**
     * Starts the retrieval-quality Flink job on an in-process MiniCluster. The embedded Kafka is new on every start, so
     * the job starts without state; its checkpoints (in a temporary directory, deleted on close) let it recover from
     * task failures within this run.
     */
    private void startQualityJob(ConfigSource effective, PrintStream out) {
        Path checkpoints = tempDir("omnistream-flink-checkpoints");
        track(() -> EmbeddedKafka.deleteRecursively(checkpoints));
        Map<String, String> overrides = new HashMap<>();
        if (effective.get(QualityJobConfig.CHECKPOINT_DIR).isEmpty()) {
            overrides.put(QualityJobConfig.CHECKPOINT_DIR.key(), checkpoints.toUri().toString());
        }
        qualityConfig = QualityJobConfig.from(effective.with(overrides));
        out.println("starting the retrieval-quality Flink job (MiniCluster, parallelism " + qualityConfig.parallelism()
                + ", served path " + (qualityConfig.servedEnabled() ? "on" : "off") + ")...");
        try {
            JobClient job = RetrievalQualityJob.start(qualityConfig, new Configuration());
            track(() -> job.cancel().get(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the retrieval-quality job: " + e.getMessage(), e);
        }
    }

    /**
     * Starts the modality-bias and drift-detection Flink job on its own in-process MiniCluster, like the quality job
     * (fresh state per run, checkpoints in a temporary directory deleted on close).
     */
    private void startBiasJob(ConfigSource effective, PrintStream out) {
        Path checkpoints = tempDir("omnistream-flink-checkpoints-bias");
        track(() -> EmbeddedKafka.deleteRecursively(checkpoints));
        Map<String, String> overrides = new HashMap<>();
        if (effective.get(BiasJobConfig.CHECKPOINT_DIR).isEmpty()) {
            overrides.put(BiasJobConfig.CHECKPOINT_DIR.key(), checkpoints.toUri().toString());
        }
        biasConfig = BiasJobConfig.from(effective.with(overrides));
        out.println("starting the modality-bias Flink job (MiniCluster, drift detection "
                + (biasConfig.driftEnabled() ? "on" : "off") + ")...");
        try {
            JobClient job = ModalityBiasJob.start(biasConfig, new Configuration());
            track(() -> job.cancel().get(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the modality-bias job: " + e.getMessage(), e);
        }
    }

    /**
     * The deployment this stack serves ({@code launcher.deployment}) and its upgrades: the live pipeline is the
     * stack's own worker and sink; a shadow gets its own ({@link ShadowPipeline}) on the same broker, registry,
     * Milvus and metrics.
     */
    private UpgradeController startUpgrades(ConfigSource effective) {
        Map<String, Object> clients = workerConfig.kafka().clientProperties();
        DeploymentStore store = track(new DeploymentStore(clients, REGISTRY_URL));
        KafkaGroups groups = track(new KafkaGroups(clients));
        ModelPipeline live = new ModelPipeline() {
            @Override public EncodingChain chain() { return chain; }
            @Override public SemanticSearch search() { return search; }
            @Override public String workerGroup() { return workerConfig.groupId(); }
            @Override public String sinkGroup() { return sinkConfig.groupId(); }
            @Override public boolean running() { return workerRunning() && sink.isRunning(); }
            @Override public void close() {
                stopWorker();
                sink.close();
            }
        };
        UpgradeController.Stack stack = new UpgradeController.Stack() {
            @Override
            public ModelPipeline startPipeline(String modelId, long benchmarkSkipBeforeMs) {
                return ShadowPipeline.start(effective, modelId, benchmarkSkipBeforeMs, metrics, workerMetrics,
                        providerMetrics, searcher, topic -> {
                            try (TopicBootstrap topics = new TopicBootstrap(clients)) {
                                topics.ensure(topic, launcher.partitions(), true);
                            }
                        });
            }
            @Override public long lag(String topic, String group) { return groups.lag(topic, group); }
            @Override public void deleteGroups(java.util.List<String> ids) { groups.delete(ids); }
            @Override public String sourceTopic() { return workerConfig.inputTopic(); }
            @Override public void replayBenchmark() { replayUpgradeBenchmark(); }
        };
        return new UpgradeController(launcher.deployment(), store, new ServingAlias(milvusClient, collections),
                collections, searcher, live, stack);
    }

    /**
     * Starts the upgrade quality-gate Flink job on its own MiniCluster (fresh state per run, checkpoints in a temporary
     * directory deleted on close). It waits for the served path's figures only when the quality job measures them,
     * and for the bias figures only when the bias job runs; otherwise it could never decide.
     */
    private void startGateJob(ConfigSource effective, PrintStream out) {
        Path checkpoints = tempDir("omnistream-flink-checkpoints-gate");
        track(() -> EmbeddedKafka.deleteRecursively(checkpoints));
        Map<String, String> overrides = new HashMap<>();
        if (effective.get(UpgradeGateConfig.CHECKPOINT_DIR).isEmpty()) {
            overrides.put(UpgradeGateConfig.CHECKPOINT_DIR.key(), checkpoints.toUri().toString());
        }
        overrides.put(UpgradeGateConfig.WAIT_FOR_SERVED.key(), Boolean.toString(launcher.qualityJob()
                && qualityConfig.servedEnabled() && effective.get(UpgradeGateConfig.WAIT_FOR_SERVED)));
        overrides.put(UpgradeGateConfig.WAIT_FOR_BIAS.key(), Boolean.toString(launcher.biasJob()
                && effective.get(UpgradeGateConfig.WAIT_FOR_BIAS)));
        UpgradeGateConfig gateConfig = UpgradeGateConfig.from(effective.with(overrides));
        out.println("starting the upgrade quality-gate Flink job (MiniCluster)...");
        try {
            JobClient job = UpgradeGateJob.start(gateConfig, new Configuration());
            track(() -> job.cancel().get(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the upgrade quality-gate job: " + e.getMessage(), e);
        }
    }

    /**
     * One epoch of {@code launcher.upgrade.benchmark} (if set), on a background thread: the next epoch after the
     * newest the quality view holds for its task. Events and judgments go through the production path, like
     * {@code ./omnistream replay}'s.
     */
    private void replayUpgradeBenchmark() {
        launcher.upgradeBenchmark().ifPresent(dir -> {
            Thread t = new Thread(() -> {
                try {
                    BenchmarkTask task = RetrievalTaskReader.beir(dir.getFileName().toString(), dir, "test", null);
                    int epoch = quality.view().latestEpoch(task.id()).orElse(-1) + 1;
                    try (JudgmentProducer judgments = new JudgmentProducer(bootstrapServers, REGISTRY_URL, Topics.JUDGMENTS)) {
                        new BenchmarkReplayer(producer, judgments, 0, Duration.ofMinutes(10)).run(List.of(task), epoch, 1,
                                p -> LOG.info("upgrade benchmark: replayed epoch {} of {} ({} events, {} judgments)",
                                        p.epoch(), p.taskId(), p.events(), p.judgments()));
                    }
                } catch (Exception e) {
                    LOG.warn("upgrade benchmark {}: replay failed: {}", dir, e.toString());
                }
            }, "upgrade-benchmark-replay");
            t.setDaemon(true);
            t.start();
        });
    }

    /** Starts (or restarts) the encoder worker on the loaded model; the consumer group resumes from committed offsets. */
    public synchronized void startWorker() {
        worker = new EncoderWorker(workerConfig, chain, workerMetrics);
        worker.start();
    }

    /** Stops the encoder worker gracefully (finishes and commits its in-flight batch). */
    public synchronized void stopWorker() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
    }

    /** Whether the encoder worker is started and has not stopped on its own (see {@link EncoderWorker#failure()}). */
    public synchronized boolean workerRunning() {
        return worker != null && worker.isRunning();
    }

    public Path home() { return launcher.home(); }
    @Override public String bootstrapServers() { return bootstrapServers; }
    public String registryUrl() { return REGISTRY_URL; }
    public String milvusUri() { return milvusUri; }
    @Override public String embeddingTopic() { return embeddingTopic; }
    /** The quality job's configuration; null when the launcher runs no quality job. */
    public QualityJobConfig qualityConfig() { return qualityConfig; }
    /** The bias job's configuration; null when the launcher runs no bias job. */
    public BiasJobConfig biasConfig() { return biasConfig; }
    /** Every drift alert read from quality.alerts.v1, as exported on /metrics. */
    public DriftAlertsConsumer driftAlertMetrics() { return quality.alertMetrics(); }
    /** The latest value of every series on quality.metrics.v1 (also exported on /metrics). */
    public QualityMetricsView qualityView() { return quality.view(); }
    /** Drift alerts from quality.alerts.v1 that are active now (shown on the quality page). */
    public ActiveDriftAlerts driftAlerts() { return quality.activeAlerts(); }
    /** Encoder throughput and consumer lag, sampled every few seconds. */
    public PipelineMonitor pipelineMonitor() { return quality.pipeline(); }
    /** The quality plane (read model, gauges, lag sampler, page) this stack runs. */
    public QualityPlane qualityPlane() { return quality; }
    /** Address of the live quality page, e.g. http://127.0.0.1:9401/. */
    public URI qualityPageUri() { return quality.pageUri(); }
    @Override public String mediaTopic() { return workerConfig.inputTopic(); }
    @Override public String dlqTopic() { return workerConfig.dlqTopic(); }
    /** Consumer group of the encoder worker (its lag on the media topic is the encoding backlog). */
    public String encoderGroupId() { return workerConfig.groupId(); }
    public TextEncoder encoder() { return encoder; }
    /** Version of the whole encoding chain (text tower plus cascades): the version on every EmbeddingEvent. */
    @Override public String modelVersion() { return chain.modelVersion(); }
    public IngestServer ingest() { return ingest; }
    @Override public URI ingestUri() { return ingest.baseUri(); }
    /** Base address of the search HTTP API. */
    public URI searchUri() { return searchServer.baseUri(); }
    @Override public String apiKey() { return apiKey.plaintext(); }
    @Override public String tenant() { return DemoCredential.TENANT; }
    /** The authenticator of every HTTP surface of this stack (its key store: {@code <home>/api-keys.json}). */
    public Authenticator authenticator() { return authenticator; }
    @Override public java.util.Map<String, Long> rowsPerContentId(java.util.Collection<String> contentIds) {
        return searcher.rowsPerContentId(modelVersion(), contentIds);
    }
    @Override public String modelId() { return encoder.modelId(); }
    @Override public String executionProvider() { return encoder.activeProvider().toString(); }
    public MediaEventProducer producer() { return producer; }
    public VectorSearcher searcher() { return searcher; }
    /** The stack's collection manager (search, serving alias, upgrades); each sink has its own. */
    public CollectionManager collections() { return collections; }
    /** Search over the stack's own model version's collection (not following the alias: see {@link #upgrades()}). */
    public SemanticSearch search() { return search; }
    /** The deployment's upgrades: start, promote, rollback, abort, finish, and user search through the alias. */
    public UpgradeController upgrades() { return upgrades; }
    /** The control API ({@code ./omnistream upgrade} talks to it). */
    public ControlServer control() { return control; }
    public MilvusSink sink() { return sink; }
    public PrometheusRegistry metrics() { return metrics; }
    public int metricsPort() { return metricsServer.getPort(); }

    private <T extends AutoCloseable> T track(T component) {
        started.push(component);
        return component;
    }

    /** The user every component of a SASL_SSL embedded broker connects as. */
    public static final String KAFKA_USER = "omnistream";

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The configuration every component of this stack runs with (the endpoints and, for a SASL_SSL broker, the
     * kafka.* security keys included): what a test's own client needs to reach the same broker.
     */
    public ConfigSource effectiveConfig() { return effectiveConfig; }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        // input first, so nothing new arrives while the worker and the sink finish their in-flight batches
        if (ingest != null) {
            ingest.close();
        }
        stopWorker();
        while (!started.isEmpty()) {
            AutoCloseable component = started.pop();
            try {
                component.close();
            } catch (Exception e) {
                LOG.warn("error while stopping {}: {}", component.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
