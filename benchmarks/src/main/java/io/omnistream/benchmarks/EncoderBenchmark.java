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

        // phases 1 and 2 share one loaded model
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            EncoderWorkerConfig workerConfig = new EncoderWorkerConfig(config.with(Map.of(
                    "kafka.bootstrap.servers", kafka.bootstrapServers(), "schema.registry.url", "mock://bench")));
            try (TextEncoder encoder = TextEncoder.load(workerConfig.modelSpec(), workerConfig.encoderSettings(),
                    new ProviderMetrics(new PrometheusRegistry()))) {
                results.put("model", encoder.modelId());
                results.put("model_version", encoder.modelVersion());
                results.put("execution_provider", encoder.activeProvider().toString());

                double raw = rawThroughput(encoder, texts);
                results.put("raw_ort_items_per_second", raw);
                System.out.printf("raw ORT:  %.1f items/s (batch %d, %s)%n", raw, batch, encoder.activeProvider());
                PeerPhase peerPhase = peer == Peer.python ? PeerPhase.runPython(encoder, texts, batch, seconds,
                        workerConfig.encoderSettings().intraOpThreads()) : null;

                int backlog = (int) Math.max(batch * 4, Math.round(raw * seconds));
                double worker = workerThroughput(kafka, workerConfig, encoder, texts, backlog);
                results.put("worker_items_per_second", worker);
                results.put("worker_backlog_events", backlog);
                results.put("worker_vs_raw", worker / raw);
                System.out.printf("worker:   %.1f items/s over %d events (Kafka in -> Kafka out) = %.2fx raw ORT%n",
                        worker, backlog, worker / raw);
                if (peerPhase != null) {
                    results.putAll(peerPhase.reportFields(raw, worker));
                    System.out.printf("peer:     worker %.2fx, raw ORT %.2fx the peer%n", worker / peerPhase.itemsPerSecond(),
                            raw / peerPhase.itemsPerSecond());
                }
                if (rate == null) {
                    rate = Math.max(1.0, worker / 2);
                }
            }
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

    private double rawThroughput(TextEncoder encoder, List<String> texts) {
        int cursor = 0;
        for (int i = 0; i < 2; i++) { // warm-up: JIT and ORT arena
            encoder.encode(slice(texts, cursor, batch), Side.DOCUMENT);
            cursor += batch;
        }
        long items = 0;
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            encoder.encode(slice(texts, cursor, batch), Side.DOCUMENT);
            cursor += batch;
            items += batch;
        }
        return items / ((System.nanoTime() - start) / 1e9);
    }

    private double workerThroughput(EmbeddedKafka kafka, EncoderWorkerConfig workerConfig, TextEncoder encoder,
                                    List<String> texts, int backlog) throws Exception {
        try (TopicBootstrap topics = new TopicBootstrap(kafka.bootstrapServers())) {
            topics.ensure(workerConfig.inputTopic(), 2, false);
            topics.ensure(workerConfig.outputTopic(), 2, true);
            topics.ensure(workerConfig.dlqTopic(), 1, false);
        }
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
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
        try (PipelineProbe probe = new PipelineProbe(kafka.bootstrapServers());
             EncoderWorker worker = new EncoderWorker(workerConfig, encoder, new WorkerMetrics(new PrometheusRegistry()))) {
            long start = System.nanoTime();
            worker.start();
            while (probe.lag(workerConfig.groupId(), workerConfig.inputTopic()) > 0) {
                if (worker.failure().isPresent()) {
                    throw new IllegalStateException("worker failed: " + worker.failure().get(), worker.failure().get());
                }
                Thread.sleep(20);
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long produced = probe.recordCount(workerConfig.outputTopic());
            if (produced < backlog) {
                throw new IllegalStateException("worker committed its input but only " + produced + " of " + backlog + " embeddings are on the output topic");
            }
            return backlog / elapsed;
        }
    }

    private Map<String, Object> searchableLatency(ConfigSource config, List<String> texts) throws Exception {
        System.out.printf("event -> searchable: starting the embedded stack; sending %.1f events/s for %d s through the ingest API...%n", rate, seconds);
        Map<String, Object> out = new LinkedHashMap<>();
        try (EmbeddedStack stack = EmbeddedStack.start(config.with(Map.of("launcher.milvus.fresh", "true",
                "launcher.metrics.port", "0", "launcher.web.port", "0", "ingest.http.port", "0")), System.out)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI endpoint = stack.ingest().baseUri().resolve("/v1/media");
            Map<String, Long> sentAtNanos = new ConcurrentHashMap<>();
            List<Long> latenciesMs = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread prober = new Thread(() -> probeUntilSearchable(stack, sentAtNanos, latenciesMs, sending), "searchable-prober");
            prober.start();
            long periodNanos = (long) (1e9 / rate);
            long start = System.nanoTime();
            int total = (int) Math.round(rate * seconds);
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
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
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
            out.put("searchable_latency_ms_max", sorted[sorted.length - 1]);
            System.out.printf("event -> searchable at %.1f events/s over %d events: p50 %d ms, p99 %d ms, max %d ms%n",
                    achievedRate, total, percentile(sorted, 0.50), percentile(sorted, 0.99), sorted[sorted.length - 1]);
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
            out[i] = texts.get((from + i) % texts.size());
        }
        return Arrays.asList(out);
    }
}
