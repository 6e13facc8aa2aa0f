package io.omnistream.launcher.cluster;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.ingest.config.IngestConfig;
import io.omnistream.kafka.broker.KafkaBrokerMain;
import io.omnistream.launcher.stack.DemoCredential;
import io.omnistream.launcher.stack.LauncherConfig;
import io.omnistream.launcher.stack.RunningPipeline;
import io.omnistream.launcher.stack.TopicBootstrap;
import io.omnistream.milvus.collection.CollectionManager;
import io.omnistream.milvus.config.MilvusSinkConfig;
import io.omnistream.milvus.lite.MilvusLiteServer;
import io.omnistream.milvus.search.VectorSearcher;
import io.omnistream.runtime.auth.ApiKeyStore;
import io.omnistream.runtime.auth.AuthOptions;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.process.ChildProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline as separate processes on one machine ({@code ./omnistream cluster}): a KRaft broker
 * ({@link KafkaBrokerMain}), Apicurio Registry, Milvus Lite, the ingest service, N encoder workers (one consumer
 * group), the Milvus sink, a Flink session cluster (JobManager + TaskManager, {@link FlinkSessionCluster}) running the
 * retrieval-quality and modality-bias jobs from the shaded job jar, and the quality service. Services start from the
 * images' entrypoints ({@link ServiceClasspath#service}); every schema id comes from the one registry.
 *
 * <p>Guarantees: {@link #start} returns once every process is ready (services' {@code /readyz} 200, both Flink jobs
 * RUNNING) or stops what it started and throws; no child outlives this JVM (each JVM carries the
 * {@link ParentWatchdog} agent, Milvus Lite watches its stdin; this covers {@code kill -9} of this JVM);
 * {@link #close} stops the children in reverse start order (SIGTERM, then SIGKILL after a grace period). Data lives in
 * a fresh run directory under {@code <omnistream.home>/cluster/} with one log per process.
 */
public final class ProcessCluster implements RunningPipeline, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessCluster.class);
    static final String INGEST_MAIN = "io.omnistream.ingest.service.IngestService";
    static final String ENCODER_MAIN = "io.omnistream.encoder.service.EncoderWorkerService";
    static final String SINK_MAIN = "io.omnistream.milvus.service.MilvusSinkService";
    static final String QUALITY_MAIN = "io.omnistream.quality.service.QualityService";
    static final String QUALITY_JOB = "io.omnistream.flink.quality.job.RetrievalQualityJob";
    static final String BIAS_JOB = "io.omnistream.flink.bias.job.ModalityBiasJob";
    private static final Pattern PROVIDER = Pattern.compile("omnistream_encoder_execution_provider_info\\{[^}]*provider=\"(\\w+)\"");

    /** One started part: what to report and how to stop it. */
    public record Part(String component, long pid, String listens, AutoCloseable stop) {}

    private final Path repoDir;
    private final Path runDir;
    private final ConfigSource config;
    private final ClusterConfig settings;
    private final LauncherConfig launcher;
    private final Deque<Part> parts = new ArrayDeque<>();
    private final List<ChildJvm> workers = new ArrayList<>();
    private final Map<String, ChildJvm> children = new LinkedHashMap<>();
    private ChildJvm.Builder brokerBuilder;
    private int brokerRestarts;
    private ApicurioRegistry registry;
    private MilvusLiteServer milvus;
    private FlinkSessionCluster flink;
    private String bootstrapServers;
    private EncoderWorkerConfig workerConfig;
    private IngestConfig ingestConfig;
    private int ingestPort;
    private int qualityWebPort;
    private int qualityMetricsPort;
    private final List<Integer> workerMetricsPorts = new ArrayList<>();
    private final Map<String, String> jobIds = new LinkedHashMap<>();
    private MilvusClientV2 milvusClient;
    private VectorSearcher searcher;
    private CollectionManager collections;
    private Path keyStoreFile;
    private DemoCredential.Key apiKey;

    private ProcessCluster(Path repoDir, ConfigSource config) {
        this.repoDir = repoDir.toAbsolutePath().normalize();
        this.config = config;
        this.settings = ClusterConfig.from(config);
        this.launcher = new LauncherConfig(config);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
        this.runDir = launcher.home().resolve("cluster").resolve("run-" + stamp).toAbsolutePath();
    }

    /**
     * Starts every process and returns when all are ready; on failure stops what was started and rethrows.
     *
     * @param repoDir the repository (for the services' image layouts and the job jar)
     */
    public static ProcessCluster start(Path repoDir, ConfigSource config, PrintStream out) {
        ProcessCluster cluster = new ProcessCluster(repoDir, config);
        try {
            cluster.startAll(out);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void startAll(PrintStream out) {
        long t0 = System.nanoTime();
        Duration timeout = settings.startupTimeout();
        Path jobJar = repoDir.resolve("flink-jobs/target/usrlib/omnistream-flink-jobs.jar");
        if (!Files.isRegularFile(jobJar)) {
            throw new IllegalStateException("no Flink job jar at " + jobJar + "; build it: mvn -pl flink-jobs -am package -DskipTests");
        }
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + runDir, e);
        }
        out.println("run directory (one log per process): " + runDir);
        // the services' credentials: the launcher's key store (hashed keys), shared by the ingest API and the quality
        // page; the cluster's own loaders and probes use the demo key
        keyStoreFile = AuthOptions.keyStoreFile(config, launcher.home()).toAbsolutePath();
        apiKey = DemoCredential.ensure(launcher.home(), ApiKeyStore.open(keyStoreFile, config.get(AuthOptions.KEY_STORE_RELOAD)));

        out.println("starting Kafka broker, Flink JobManager and TaskManager (own JVMs)...");
        brokerBuilder = child("kafka-broker", KafkaBrokerMain.class.getName(), ServiceClasspath.ownClasspath())
                .jvmFlags("-Xmx512m", "-XX:+UseSerialGC", "-Dlog4j2.configurationFile=omnistream-service-log4j2.xml")
                .args(runDir.resolve("kafka-data").toString());
        ChildJvm kafka = brokerBuilder.start();
        track(kafka, "(bootstrap address pending)");
        flink = new FlinkSessionCluster(runDir.resolve("flink"), settings.flinkSlots(), settings.flinkJobManagerMb(),
                settings.flinkTaskManagerMb()).start();
        track(flink.jobManager(), flink.restUrl() + " (REST, web UI)");
        track(flink.taskManager(), settings.flinkSlots() + " slots");

        out.println("starting Apicurio Registry...");
        registry = registryBuilder(0).build().start();
        parts.push(new Part("apicurio-registry", registry.processHandle().map(ProcessHandle::pid).orElse(-1L),
                registry.confluentUrl(), registry));

        out.println("starting Milvus Lite...");
        milvus = MilvusLiteServer.builder(runDir.resolve("milvus-data")).venvDir(launcher.home().resolve("milvus-lite-venv"))
                .logFile(runDir.resolve("milvus-lite.log")).build().start();
        parts.push(new Part("milvus-lite", milvus.processHandle().map(ProcessHandle::pid).orElse(-1L), milvus.uri(), milvus));

        bootstrapServers = kafka.awaitLogLine(KafkaBrokerMain.READY_PREFIX, timeout, out);
        replaceListens("kafka-broker", bootstrapServers);
        Map<String, String> endpoints = Map.of("kafka.bootstrap.servers", bootstrapServers,
                "schema.registry.url", registry.confluentUrl(), "milvus.uri", milvus.uri());
        ConfigSource base = config.with(endpoints);
        workerConfig = new EncoderWorkerConfig(base);
        ingestConfig = IngestConfig.from(base.with(Map.of("sink.topic", workerConfig.outputTopic())));
        TopicBootstrap.ensurePipelineTopics(workerConfig, ingestConfig, launcher.partitions());

        // services refuse keys they do not know: each gets the endpoints it uses
        Map<String, String> kafkaAndRegistry = Map.of("kafka.bootstrap.servers", bootstrapServers,
                "schema.registry.url", registry.confluentUrl());
        out.println("starting ingest, " + settings.workers() + " encoder workers, Milvus sink, quality service...");
        ingestPort = FlinkSessionCluster.freePort();
        ChildJvm ingest = service("ingest", "ingest", INGEST_MAIN, "-Xmx256m", kafkaAndRegistry)
                .set("ingest.http.port", ingestPort).set(AuthOptions.KEY_STORE_FILE.key(), keyStoreFile.toString()).start();
        track(ingest, "http://127.0.0.1:" + ingestPort + " (ingest API)");
        for (int i = 1; i <= settings.workers(); i++) {
            launchEncoderWorker(Map.of());
        }
        ChildJvm sink = service("milvus-sink", "milvus", SINK_MAIN, "-Xmx384m", endpoints)
                .set("sink.topic", workerConfig.outputTopic()).start();
        track(sink, "group " + MilvusSinkConfig.from(base.with(Map.of("sink.topic", workerConfig.outputTopic()))).groupId());
        qualityWebPort = FlinkSessionCluster.freePort();
        ChildJvm quality = service("quality-service", "quality-service", QUALITY_MAIN, "-Xmx384m", kafkaAndRegistry)
                .set("quality-service.web.port", qualityWebPort)
                .set(AuthOptions.KEY_STORE_FILE.key(), keyStoreFile.toString()).start();
        track(quality, qualityPageUri() + " (page, /api/*)");

        out.println("waiting for the Flink session cluster, then submitting both jobs as the shaded job jar over REST...");
        flink.awaitReady(timeout, out);
        submitJobs(jobJar, endpoints, timeout, out);

        for (ChildJvm c : children.values()) {
            Integer port = metricsPorts.get(c.component());
            if (port != null) {
                c.awaitHttpOk("http://127.0.0.1:" + port + "/readyz", timeout, out);
            }
        }
        qualityMetricsPort = metricsPorts.get("quality-service");
        MilvusSinkConfig sinkConfig = MilvusSinkConfig.from(base.with(Map.of("sink.topic", workerConfig.outputTopic())));
        milvusClient = sinkConfig.milvus().open();
        collections = new CollectionManager(milvusClient, sinkConfig.index());
        searcher = new VectorSearcher(milvusClient, collections, sinkConfig.searchEf(), ConsistencyLevel.STRONG);
        out.printf("cluster up in %.1f s: %d processes%n", (System.nanoTime() - t0) / 1e9, parts.size());
    }

    private void submitJobs(Path jobJar, Map<String, String> endpoints, Duration timeout, PrintStream out) {
        try {
            String jarId = flink.uploadJar(jobJar);
            List<String> common = new ArrayList<>();
            endpoints.forEach((k, v) -> common.add(k + "=" + v));
            List<String> qualityArgs = new ArrayList<>(common);
            config.explicitValues("quality.").forEach((k, v) -> qualityArgs.add(k + "=" + v));
            qualityArgs.add("quality.checkpoint.dir=" + runDir.resolve("flink/checkpoints-quality").toUri());
            jobIds.put("retrieval-quality", flink.run(jarId, QUALITY_JOB, qualityArgs));
            List<String> biasArgs = new ArrayList<>(common);
            config.explicitValues("bias.").forEach((k, v) -> biasArgs.add(k + "=" + v));
            biasArgs.add("bias.checkpoint.dir=" + runDir.resolve("flink/checkpoints-bias").toUri());
            jobIds.put("modality-bias", flink.run(jarId, BIAS_JOB, biasArgs));
            for (var job : jobIds.entrySet()) {
                flink.awaitRunning(job.getValue(), timeout, out);
                out.println("  Flink job " + job.getKey() + " RUNNING (" + job.getValue() + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot submit the Flink jobs: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while submitting the Flink jobs", e);
        }
    }

    private final Map<String, Integer> metricsPorts = new LinkedHashMap<>();
    /** How each service was started, to start it again after a crash ({@link #restart}). */
    private final Map<String, ChildJvm.Builder> builders = new LinkedHashMap<>();

    /**
     * Starts one more member of the encoder consumer group from the workers' image layout, {@code overrides} on top of
     * the cluster's worker settings (e.g. {@code encoder.models.file}: a new version of the model, as a rolling
     * upgrade would start it), and returns once its {@code /readyz} answers 200. The group rebalances; the new worker
     * is stopped with the cluster.
     */
    public synchronized ChildJvm startEncoderWorker(Map<String, String> overrides, Duration timeout, PrintStream out) {
        ChildJvm worker = launchEncoderWorker(overrides);
        worker.awaitHttpOk("http://127.0.0.1:" + metricsPorts.get(worker.component()) + "/readyz", timeout, out);
        return worker;
    }

    private ChildJvm launchEncoderWorker(Map<String, String> overrides) {
        String component = "encoder-worker-" + (workers.size() + 1);
        ChildJvm.Builder b = service(component, "encoder-workers", ENCODER_MAIN, "-Xmx1g",
                Map.of("kafka.bootstrap.servers", bootstrapServers, "schema.registry.url", registry.confluentUrl()))
                .set("encoder.model", workerConfig.modelSpec().id());
        overrides.forEach(b::set);
        ChildJvm worker = b.start();
        workers.add(worker);
        workerMetricsPorts.add(metricsPorts.get(component));
        track(worker, "group " + workerConfig.groupId());
        return worker;
    }

    /** A standalone service from its image layout, its metrics endpoint on a free loopback port. */
    private ChildJvm.Builder service(String component, String module, String main, String heap,
            Map<String, String> endpoints) {
        ServiceClasspath.Resolved cp = ServiceClasspath.service(repoDir, module);
        LOG.info("{} runs from the {}", component, cp.origin());
        int metricsPort = FlinkSessionCluster.freePort();
        metricsPorts.put(component, metricsPort);
        ChildJvm.Builder b = child(component, main, cp.entries())
                .jvmFlags(heap, "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError")
                .set("service.metrics.host", "127.0.0.1").set("service.metrics.port", metricsPort);
        endpoints.forEach(b::set);
        builders.put(component, b); // the caller's later settings land in the same builder
        return b;
    }

    /**
     * Starts service {@code component} again as it was started (same settings, ports and consumer group), killing it
     * with -9 first if it still lives: what a process supervisor does after a crash. Returns at once; see
     * {@link #awaitReady(String, Duration, PrintStream)}.
     *
     * @throws IllegalArgumentException for a part that is not a service (broker, registry, Milvus, Flink)
     */
    public synchronized ChildJvm restart(String component) throws InterruptedException {
        ChildJvm.Builder b = builders.get(component);
        if (b == null) {
            throw new IllegalArgumentException(component + " is not a service of this cluster; services: " + builders.keySet());
        }
        ChildJvm old = children.get(component);
        if (old.isAlive()) {
            old.kill();
        }
        ChildJvm fresh = b.start();
        children.put(component, fresh);
        workers.replaceAll(w -> w == old ? fresh : w);
        replacePart(component, fresh.pid(), fresh::stop);
        return fresh;
    }

    /** Waits until service {@code component} answers {@code /readyz} with 200. */
    public void awaitReady(String component, Duration timeout, PrintStream out) {
        children.get(component).awaitHttpOk("http://127.0.0.1:" + metricsPorts.get(component) + "/readyz", timeout, out);
    }

    /**
     * Starts the Kafka broker again on its data directory (killing it with -9 first if it still lives); it comes back
     * on the same address ({@code EmbeddedKafka} keeps its ports with its data). Returns once it prints its readiness
     * line again (each restart logs to a fresh file, so the old line cannot be mistaken for it).
     */
    public synchronized ChildJvm restartBroker(Duration timeout, PrintStream out) throws InterruptedException {
        ChildJvm old = children.get("kafka-broker");
        if (old.isAlive()) {
            old.kill();
        }
        brokerRestarts++;
        ChildJvm fresh = brokerBuilder.log(runDir.resolve("kafka-broker/kafka-broker.restart-" + brokerRestarts + ".log"))
                .start();
        children.put("kafka-broker", fresh);
        replacePart("kafka-broker", fresh.pid(), fresh::stop);
        String address = fresh.awaitLogLine(KafkaBrokerMain.READY_PREFIX, timeout, out);
        if (!address.equals(bootstrapServers)) {
            throw new IllegalStateException("the broker came back on " + address + ", not on " + bootstrapServers);
        }
        return fresh;
    }

    /** The registry's settings: schemas kept in files, so that a restart keeps every subject and id. */
    private ApicurioRegistry.Builder registryBuilder(int port) {
        return ApicurioRegistry.builder(runDir.resolve("apicurio")).home(apicurioHome()).port(port)
                .storageDir(runDir.resolve("apicurio/storage")).logFile(runDir.resolve("apicurio/apicurio-registry.log"))
                .startupTimeout(settings.startupTimeout());
    }

    /**
     * Restarts the schema registry (graceful stop, start on the same port and storage): it comes back with every
     * subject, id and compatibility rule. Returns once it answers again.
     */
    public synchronized void restartRegistry() {
        int port = registry.port();
        registry.close();
        registry = registryBuilder(port).build().start();
        ApicurioRegistry started = registry;
        replacePart("apicurio-registry", started.processHandle().map(ProcessHandle::pid).orElse(-1L), started);
    }

    /** A new TaskManager in place of a dead one ({@link FlinkSessionCluster#restartTaskManager}). */
    public synchronized ChildJvm restartTaskManager() throws InterruptedException {
        ChildJvm fresh = flink.restartTaskManager();
        children.put(fresh.component(), fresh);
        replacePart(fresh.component(), fresh.pid(), fresh::stop);
        return fresh;
    }

    /** Stops Milvus Lite (SIGTERM; its data stays on disk): a Milvus outage. */
    public synchronized void stopMilvus() {
        milvus.close();
    }

    /** Starts Milvus Lite again on the same port and data directory, and waits until it answers. */
    public synchronized void startMilvus() {
        milvus = MilvusLiteServer.builder(runDir.resolve("milvus-data")).venvDir(launcher.home().resolve("milvus-lite-venv"))
                .port(milvus.port()).logFile(runDir.resolve("milvus-lite.log")).build().start();
        MilvusLiteServer started = milvus;
        replacePart("milvus-lite", started.processHandle().map(ProcessHandle::pid).orElse(-1L), started);
    }

    /** The Milvus Lite server process (for SIGSTOP/SIGCONT: a Milvus that hangs instead of refusing). */
    public synchronized ProcessHandle milvusProcess() {
        return milvus.processHandle().orElseThrow(() -> new IllegalStateException("Milvus Lite is not running"));
    }

    private void replacePart(String component, long pid, AutoCloseable stop) {
        List<Part> all = new ArrayList<>(parts);
        parts.clear();
        for (int i = all.size() - 1; i >= 0; i--) {
            Part p = all.get(i);
            parts.push(p.component().equals(component) ? new Part(component, pid, p.listens(), stop) : p);
        }
    }

    private ChildJvm.Builder child(String component, String main, List<Path> classpath) {
        Path work = runDir.resolve(component);
        return ChildJvm.builder(component, main).classpath(classpath).workDir(work)
                // the images' environment: caches in a writable place, shared by the workers (tokenizer native lib)
                .env("HOME", work.toString())
                .env("DJL_CACHE_DIR", launcher.home().resolve("djl-cache").toString())
                .env("XDG_CACHE_HOME", launcher.home().resolve("cache").toString());
    }

    private void track(ChildJvm child, String listens) {
        children.put(child.component(), child);
        parts.push(new Part(child.component(), child.pid(), listens, child::stop));
    }

    private void replaceListens(String component, String listens) {
        List<Part> all = new ArrayList<>(parts);
        parts.clear();
        for (int i = all.size() - 1; i >= 0; i--) {
            Part p = all.get(i);
            parts.push(p.component().equals(component) ? new Part(p.component(), p.pid(), listens, p.stop()) : p);
        }
    }

    private Path apicurioHome() {
        String explicit = Optional.ofNullable(System.getProperty(ApicurioRegistry.HOME_PROPERTY))
                .orElse(System.getenv(ApicurioRegistry.HOME_ENV));
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        Path unpacked = repoDir.resolve("launcher/target/apicurio-registry");
        if (!Files.isDirectory(unpacked)) {
            throw new IllegalStateException("no Apicurio Registry distribution at " + unpacked
                    + "; build it with: mvn -pl launcher -am package -DskipTests (or set " + ApicurioRegistry.HOME_ENV + ")");
        }
        return unpacked;
    }

    /** Every part in start order: component, pid, where it listens. */
    public List<Part> parts() {
        List<Part> inOrder = new ArrayList<>(parts);
        java.util.Collections.reverse(inOrder);
        return inOrder;
    }

    /** Peak RSS in KiB of each part's process ({@code VmHWM}); absent where it cannot be read. */
    public Map<String, Long> peakRssKb() {
        Map<String, Long> rss = new LinkedHashMap<>();
        for (Part p : parts()) {
            ChildJvm c = children.get(p.component());
            OptionalLong kb = c != null ? c.peakRssKb() : ChildProcess.vmHwmKb(p.pid());
            kb.ifPresent(v -> rss.put(p.component(), v));
        }
        return rss;
    }

    public ChildJvm child(String component) {
        return children.get(component);
    }

    public List<ChildJvm> encoderWorkers() {
        return List.copyOf(workers);
    }

    public ApicurioRegistry registry() {
        return registry;
    }

    public FlinkSessionCluster flink() {
        return flink;
    }

    /** Flink job ids by name ({@code retrieval-quality}, {@code modality-bias}). */
    public Map<String, String> jobIds() {
        return Map.copyOf(jobIds);
    }

    public String registryUrl() {
        return registry.confluentUrl();
    }

    public String milvusUri() {
        return milvus.uri();
    }

    public IngestConfig ingestConfig() {
        return ingestConfig;
    }

    public String encoderGroupId() {
        return workerConfig.groupId();
    }

    public URI qualityPageUri() {
        return URI.create("http://127.0.0.1:" + qualityWebPort + "/");
    }

    /** The quality service's Prometheus endpoint. */
    public URI qualityMetricsUri() {
        return URI.create("http://127.0.0.1:" + qualityMetricsPort + "/metrics");
    }

    public Path runDir() {
        return runDir;
    }

    public VectorSearcher searcher() {
        return searcher;
    }

    @Override public URI ingestUri() { return URI.create("http://127.0.0.1:" + ingestPort); }
    @Override public String apiKey() { return apiKey.plaintext(); }
    @Override public String tenant() { return DemoCredential.TENANT; }
    @Override public String bootstrapServers() { return bootstrapServers; }
    @Override public String mediaTopic() { return workerConfig.inputTopic(); }
    @Override public String embeddingTopic() { return workerConfig.outputTopic(); }
    @Override public String dlqTopic() { return workerConfig.dlqTopic(); }
    @Override public String modelId() { return workerConfig.modelSpec().id(); }

    /** The chain version the sink created its collection for (what the workers put on every EmbeddingEvent). */
    @Override
    public String modelVersion() {
        return collections.collectionsOfTopic(embeddingTopic()).stream().map(CollectionManager.CollectionInfo::modelVersion)
                .findFirst().orElse(workerConfig.modelSpec().version());
    }

    @Override
    public Map<String, Long> rowsPerContentId(Collection<String> contentIds) {
        return searcher.rowsPerContentId(modelVersion(), contentIds);
    }

    /** What the first live worker exports as its execution provider ({@code CPU}, {@code CUDA}), or {@code ?}. */
    @Override
    public String executionProvider() {
        for (int i = 0; i < workers.size(); i++) {
            if (workers.get(i).isAlive()) {
                Matcher m = PROVIDER.matcher(Http.get("http://127.0.0.1:" + workerMetricsPorts.get(i) + "/metrics"));
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        return "?";
    }

    /** Stops every part in reverse start order. Idempotent. */
    @Override
    public synchronized void close() {
        if (milvusClient != null) {
            milvusClient.close();
            milvusClient = null;
        }
        while (!parts.isEmpty()) {
            Part p = parts.pop();
            try {
                p.stop().close();
            } catch (Exception e) {
                LOG.warn("error while stopping {}: {}", p.component(), e.toString());
            }
        }
    }
}
