package io.omnistream.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.omnistream.benchmarks.peer.PeerPhase;
import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.encoder.model.Side;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.encoder.worker.EncoderWorker;
import io.omnistream.encoder.worker.WorkerMetrics;
import io.omnistream.ingest.load.Document;
import io.omnistream.ingest.load.Query;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.kafka.broker.EmbeddedKafka;
import io.omnistream.kafka.broker.KafkaBrokerMain;
import io.omnistream.launcher.cluster.ChildJvm;
import io.omnistream.launcher.cluster.ServiceClasspath;
import io.omnistream.launcher.cli.StackOptions;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.launcher.stack.PipelineProbe;
import io.omnistream.launcher.stack.TopicBootstrap;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Side-by-side encoder benchmark on SciFact abstracts, one run, one model, one batch size:
 * <ol>
 *   <li><b>raw ORT</b>: the model's {@link TextEncoder} in a loop (tokenize + ONNX Runtime + pool + normalise), no Kafka;</li>
 *   <li><b>worker</b>: the same encoder inside an {@link EncoderWorker}: a backlog of MediaEvents is put on a real
 *       (in-JVM) Kafka topic first, then the worker is started and timed until its committed offsets reach the end
 *       (Kafka in → encode → Kafka out, acks=all, offsets committed after acknowledgement);</li>
 *   <li><b>event → searchable</b>: the full embedded stack; events are POSTed to the ingest API at a fixed rate and
 *       each one's time until Milvus returns it for a query by id is recorded (p50/p99).</li>
 * </ol>
 */
@Command(name = "encoder", mixinStandardHelpOptions = true,
        description = "Raw ONNX Runtime vs. encoder-worker (Kafka in -> Kafka out) throughput, and event -> searchable latency.")
public final class EncoderBenchmark implements Callable<Integer> {
    @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "Batch size for both raw ORT and the worker (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "30", description = "Duration of the raw and latency phases; the worker backlog is sized to about this long (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--rate", paramLabel = "EVENTS_PER_S", description = "Send rate of the latency phase (default: half the measured worker throughput).")
    Double rate;

    @Option(names = "--latency-events", paramLabel = "N", description = "Events sent in the event -> searchable phase (default: rate x --seconds, at least 100).")
    Integer latencyEvents;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the results as JSON.")
    Path report;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory with scifact.zip (default: ../shared/data/scifact).")
    Path data;

    @Option(names = "--skip-latency", description = "Skip the event -> searchable phase (no Milvus needed).")
    boolean skipLatency;

    @Option(names = "--peer", paramLabel = "PEER", defaultValue = "none",
            description = "Also time a peer on the same model file, texts and batch, after raw ORT and before the worker: "
                    + "none, python (onnxruntime + tokenizers in ~/.omnistream/bench-peer-venv, created on first use) "
                    + "(default: ${DEFAULT-VALUE}).")
    Peer peer;

    @Option(names = "--texts", paramLabel = "KIND", defaultValue = "abstracts",
            description = "SciFact texts to embed, cycled: abstracts (title + abstract, ~300 tokens) or claims (one "
                    + "sentence, ~20 tokens; embedded as documents, without the query instruction) (default: ${DEFAULT-VALUE}).")
    Texts textKind;

    @Mixin
    StackOptions stackOptions;

    /** Peers {@code --peer} can run. */
    enum Peer { none, python }

    /** Text sets {@code --texts} can pick. */
    enum Texts { abstracts, claims }

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || seconds < 1) {
            throw new IllegalArgumentException("--batch and --seconds must be positive");
        }
        List<String> texts;
        SciFactCorpus corpus = new SciFactCorpus(StackOptions.scifactZip(data));
        if (textKind == Texts.claims) {
            texts = corpus.queries().stream().map(Query::text).toList();
        } else {
            try (Stream<Document> docs = corpus.documents()) {
                texts = docs.map(Document::text).toList();
            }
        }
        ConfigSource config = stackOptions.configSource().with(Map.of("encoder.batch.max-size", Integer.toString(batch)));
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("cores", Runtime.getRuntime().availableProcessors());
        results.put("batch", batch);
        results.put("texts", textKind == Texts.claims ? "SciFact claims, cycled" : "SciFact abstracts (title + abstract), cycled");

        // phases 1 and 2 share one loaded model; the broker runs in a JVM of its own so that its CPU time is counted
        // apart from the worker's (both still share this machine's cores, as they would on a one-node deployment)
        Path brokerDir = Files.createTempDirectory("omnistream-bench-broker");
        try (ChildJvm broker = startBroker(brokerDir)) {
            String bootstrap = broker.awaitLogLine(KafkaBrokerMain.READY_PREFIX, Duration.ofMinutes(2), System.out);
            EncoderWorkerConfig workerConfig = new EncoderWorkerConfig(config.with(Map.of(
                    "kafka.bootstrap.servers", bootstrap, "schema.registry.url", "mock://bench")));
            try (TextEncoder encoder = TextEncoder.load(workerConfig.modelSpec(), workerConfig.encoderSettings(),
                    new ProviderMetrics(new PrometheusRegistry()))) {
                results.put("model", encoder.modelId());
                results.put("model_version", encoder.modelVersion());
                results.put("execution_provider", encoder.activeProvider().toString());

                RawResult raw = rawThroughput(encoder, texts);
                results.put("raw_ort_items_per_second", raw.itemsPerSecond());
                results.put("raw_ort_cpu_seconds_per_item", raw.cpuSeconds() / raw.items());
                System.out.printf("raw ORT:  %.2f items/s (batch %d, %s), %.3f CPU s per item%n", raw.itemsPerSecond(),
                        batch, encoder.activeProvider(), raw.cpuSeconds() / raw.items());
                PeerPhase peerPhase = peer == Peer.python ? PeerPhase.runPython(encoder, texts, batch, seconds,
                        workerConfig.encoderSettings().intraOpThreads()) : null;

                int backlog = (int) Math.max(batch * 8L, Math.round(raw.itemsPerSecond() * seconds));
                WorkerResult worker = workerThroughput(bootstrap, broker.pid(), workerConfig, encoder, texts, backlog);
                results.put("worker_items_per_second", worker.itemsPerSecond());
                results.put("worker_backlog_events", backlog);
                results.put("worker_vs_raw", worker.itemsPerSecond() / raw.itemsPerSecond());
                results.put("worker_cpu_seconds_per_item", worker.workerCpuSeconds() / backlog);
                results.put("worker_broker_cpu_seconds", worker.brokerCpuSeconds());
                results.put("worker_process_cpu_seconds", worker.workerCpuSeconds());
                results.put("worker_seconds", worker.seconds());
                System.out.printf("worker:   %.2f items/s over %d events (Kafka in -> Kafka out) = %.2fx raw ORT; "
                                + "CPU: worker JVM %.1f s (%.3f s per item), broker JVM %.1f s, in %.1f s%n",
                        worker.itemsPerSecond(), backlog, worker.itemsPerSecond() / raw.itemsPerSecond(),
                        worker.workerCpuSeconds(), worker.workerCpuSeconds() / backlog, worker.brokerCpuSeconds(),
                        worker.seconds());
                if (peerPhase != null) {
                    results.putAll(peerPhase.reportFields(raw.itemsPerSecond(), worker.itemsPerSecond()));
                    System.out.printf("peer:     worker %.2fx, raw ORT %.2fx the peer%n",
                            worker.itemsPerSecond() / peerPhase.itemsPerSecond(), raw.itemsPerSecond() / peerPhase.itemsPerSecond());
                }
                if (rate == null) {
                    rate = Math.max(1.0, worker.itemsPerSecond() / 2);
                }
            }
        } finally {
            EmbeddedKafka.deleteRecursively(brokerDir);
        }

        if (!skipLatency) {
            Map<String, Object> latency = searchableLatency(config, texts);
            results.putAll(latency);
        }
        if (report != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), results);
            System.out.println("report written to " + report);
        }
        return 0;
    }

    /** CPU time (user + system, all threads, native ones included) a process has used since this clock was made. */
    record CpuClock(ProcessHandle process, Duration start) {
        static CpuClock of(ProcessHandle process) {
            return new CpuClock(process, total(process));
        }

        double elapsedSeconds() {
            return (total(process).toNanos() - start.toNanos()) / 1e9;
        }

        private static Duration total(ProcessHandle process) {
            return process.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException(
                    "the OS does not report CPU time of process " + process.pid()));
        }
    }

    /** Items encoded in the measured interval, its wall time and this process's CPU time in it (warm-up excluded). */
    record RawResult(long items, double seconds, double cpuSeconds) {
        double itemsPerSecond() {
            return items / seconds;
        }
    }

    record WorkerResult(int items, double seconds, double workerCpuSeconds, double brokerCpuSeconds) {
        double itemsPerSecond() {
            return items / seconds;
        }
    }

    /** The broker of this benchmark: {@link KafkaBrokerMain} in a JVM of its own, configured as the cluster's. */
    private static ChildJvm startBroker(Path dir) {
        return ChildJvm.builder("kafka-broker", KafkaBrokerMain.class.getName())
                .classpath(ServiceClasspath.ownClasspath())
                .jvmFlags("-Xmx512m", "-XX:+UseSerialGC", "-Dlog4j2.configurationFile=omnistream-service-log4j2.xml")
                .workDir(dir)
                .start();
    }

    /**
     * The encoder alone: {@code texts} from the first, cycled, one {@code batch} per call, for {@link #seconds}. The
     * warm-up (JIT, ORT arena) uses the last texts of the corpus so that the measured texts are the worker's too.
     */
    private RawResult rawThroughput(TextEncoder encoder, List<String> texts) {
        for (int i = 0; i < 2; i++) {
            encoder.encode(slice(texts, texts.size() - (i + 1) * batch, batch), Side.DOCUMENT);
        }
        long items = 0;
        int cursor = 0;
        CpuClock cpu = CpuClock.of(ProcessHandle.current());
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            encoder.encode(slice(texts, cursor, batch), Side.DOCUMENT);
            cursor += batch;
            items += batch;
        }
        return new RawResult(items, (System.nanoTime() - start) / 1e9, cpu.elapsedSeconds());
    }

    /**
     * The worker on a backlog of {@code backlog} events (texts from the first, cycled, as in the raw phase): timed from
     * its start (group join included) until its committed offsets reach the end of the input topic.
     */
    private WorkerResult workerThroughput(String bootstrap, long brokerPid, EncoderWorkerConfig workerConfig,
                                          TextEncoder encoder, List<String> texts, int backlog) throws Exception {
        try (TopicBootstrap topics = new TopicBootstrap(bootstrap)) {
            topics.ensure(workerConfig.inputTopic(), 2, false);
            topics.ensure(workerConfig.outputTopic(), 2, true);
            topics.ensure(workerConfig.dlqTopic(), 1, false);
        }
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20);
        try (KafkaProducer<String, MediaEvent> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new ConfluentAvroSerializer<>(MediaEvent.class, workerConfig.schemaRegistryUrl()))) {
            for (int i = 0; i < backlog; i++) {
                String id = "bench-" + i;
                producer.send(new ProducerRecord<>(workerConfig.inputTopic(), id, MediaEvent.newBuilder()
                        .setContentId(id).setModality(Modality.TEXT).setText(texts.get(i % texts.size()))
                        .setSource("bench").setEventTimeMs(System.currentTimeMillis()).build()));
            }
            producer.flush();
        }
        System.out.printf("worker backlog of %d events on %s; starting the worker...%n", backlog, workerConfig.inputTopic());
        ProcessHandle brokerProcess = ProcessHandle.of(brokerPid).orElseThrow(() -> new IllegalStateException("broker exited"));
        try (PipelineProbe probe = new PipelineProbe(bootstrap);
             EncoderWorker worker = new EncoderWorker(workerConfig, encoder, new WorkerMetrics(new PrometheusRegistry()))) {
            CpuClock workerCpu = CpuClock.of(ProcessHandle.current());
            CpuClock brokerCpu = CpuClock.of(brokerProcess);
            long start = System.nanoTime();
            worker.start();
            // the lag check is two admin requests; every 100 ms keeps its own CPU share (counted as the worker's) small
            while (probe.lag(workerConfig.groupId(), workerConfig.inputTopic()) > 0) {
                if (worker.failure().isPresent()) {
                    throw new IllegalStateException("worker failed: " + worker.failure().get(), worker.failure().get());
                }
                Thread.sleep(100);
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            double workerSeconds = workerCpu.elapsedSeconds();
            double brokerSeconds = brokerCpu.elapsedSeconds();
            long produced = probe.recordCount(workerConfig.outputTopic());
            if (produced < backlog) {
                throw new IllegalStateException("worker committed its input but only " + produced + " of " + backlog + " embeddings are on the output topic");
            }
            return new WorkerResult(backlog, elapsed, workerSeconds, brokerSeconds);
        }
    }

    private Map<String, Object> searchableLatency(ConfigSource config, List<String> texts) throws Exception {
        int total = latencyEvents != null ? latencyEvents : (int) Math.max(100, Math.round(rate * seconds));
        if (total < 1) {
            throw new IllegalArgumentException("--latency-events must be positive");
        }
        System.out.printf("event -> searchable: starting the embedded stack; sending %d events at %.2f events/s through the ingest API...%n", total, rate);
        Map<String, Object> out = new LinkedHashMap<>();
        try (EmbeddedStack stack = EmbeddedStack.start(config.with(Map.of("launcher.milvus.fresh", "true",
                "launcher.metrics.port", "0", "launcher.web.port", "0", "launcher.control.port", "0", "ingest.http.port", "0")), System.out)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI endpoint = stack.ingest().baseUri().resolve("/v1/media");
            Map<String, Long> sentAtNanos = new ConcurrentHashMap<>();
            List<Long> latenciesMs = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread prober = new Thread(() -> probeUntilSearchable(stack, sentAtNanos, latenciesMs, sending), "searchable-prober");
            prober.start();
            long periodNanos = (long) (1e9 / rate);
            long start = System.nanoTime();
            String runId = Long.toString(System.currentTimeMillis(), 36);
            for (int i = 0; i < total; i++) {
                long due = start + i * periodNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                String id = "lat-" + runId + "-" + i;
                String body = new ObjectMapper().writeValueAsString(Map.of("contentId", id, "modality", "TEXT",
                        "text", texts.get(i % texts.size()), "source", "bench"));
                sentAtNanos.put(id, System.nanoTime());
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint)
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + stack.apiKey()).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 202) {
                    throw new IllegalStateException("ingest answered " + response.statusCode() + ": " + response.body());
                }
            }
            double achievedRate = total / ((System.nanoTime() - start) / 1e9);
            sending.set(false);
            prober.join(Duration.ofMinutes(5).toMillis());
            long[] sorted = latenciesMs.stream().mapToLong(Long::longValue).sorted().toArray();
            if (sorted.length < total) {
                throw new IllegalStateException("only " + sorted.length + " of " + total + " events became searchable within 5 minutes");
            }
            out.put("latency_rate_per_second", rate);
            out.put("latency_achieved_rate_per_second", achievedRate);
            out.put("latency_events", total);
            out.put("searchable_latency_ms_p50", percentile(sorted, 0.50));
            out.put("searchable_latency_ms_p99", percentile(sorted, 0.99));
            out.put("searchable_latency_ms_p999", percentile(sorted, 0.999));
            out.put("searchable_latency_ms_max", sorted[sorted.length - 1]);
            System.out.printf("event -> searchable at %.2f events/s over %d events: p50 %d ms, p99 %d ms, p99.9 %d ms, max %d ms%n",
                    achievedRate, total, percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 0.999),
                    sorted[sorted.length - 1]);
        }
        return out;
    }

    /** Polls Milvus (strong consistency) for the ids still pending; records send -> visible latency per id. */
    private static void probeUntilSearchable(EmbeddedStack stack, Map<String, Long> sentAtNanos, List<Long> latenciesMs,
                                             AtomicBoolean sending) {
        long deadline = Long.MAX_VALUE;
        while (System.nanoTime() < deadline) {
            if (!sending.get() && deadline == Long.MAX_VALUE) {
                deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            }
            List<String> pending = new ArrayList<>(sentAtNanos.keySet());
            if (pending.isEmpty()) {
                if (!sending.get()) {
                    return;
                }
            } else {
                Map<String, Long> rows;
                try {
                    rows = stack.searcher().rowsPerContentId(stack.modelVersion(), pending);
                } catch (RuntimeException e) {
                    rows = Map.of(); // collection not created yet: nothing is searchable so far
                }
                long now = System.nanoTime();
                rows.forEach((id, n) -> {
                    if (n > 0) {
                        Long sent = sentAtNanos.remove(id);
                        if (sent != null) {
                            latenciesMs.add((now - sent) / 1_000_000);
                        }
                    }
                });
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static long percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static List<String> slice(List<String> texts, int from, int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = texts.get(Math.floorMod(from + i, texts.size()));
        }
        return Arrays.asList(out);
    }
}
