package io.omnistream.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.encoder.cascade.ToolSandbox;
import io.omnistream.ingest.load.Document;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.launcher.it.BadInputs.ApiRequest;
import io.omnistream.launcher.it.BadInputs.BadInput;
import io.omnistream.launcher.it.BadInputs.TopicRecord;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.milvus.config.MilvusSinkConfig;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.avro.FailedEvent;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, acceptance 3: the bad-input corpus ({@link BadInputs}, at least 30 kinds) against a running embedded
 * stack whose worker serves the cascade model (Tesseract, ffmpeg, PocketSphinx, PDFBox really decode the hostile
 * media). The generic contract, whatever today's reason texts are: each bad input is answered by a 4xx from the API
 * or by a dead letter (on the worker's or the sink's DLQ topic) naming a non-empty stage and reason for that input's
 * id, and is never embedded; a legal but odd record (a tombstone for an unknown id) leaves no dead letter. After each
 * group a good TEXT event is sent and must become searchable (one row): the pipeline survives. At the end the worker
 * and the sink are still running, the ingest answers its health check, no HLS playlist made anything connect to
 * loopback, and no media temp file ({@code omnistream-media*}, {@code omnistream-tool*}, {@code ffmpeg*}) is left behind
 * in java.io.tmpdir or in the tool sandbox's media directory.
 *
 * <p>Every finding is collected and the test fails once at the end listing them all, after printing the table of
 * kind → answer, so one regression does not hide the others.
 */
class BadInputCorpusIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration GROUP_WAIT = Duration.ofMinutes(3);
    private static final long MAX_REQUEST_BYTES = 8L << 20;
    private static final int MAX_BATCH_ITEMS = 200;

    @Test
    void everyBadInputIsRefusedOrDeadLetteredAndThePipelineSurvives() throws Exception {
        for (String tool : List.of("tesseract", "ffmpeg", "ffprobe", "pocketsphinx_continuous")) {
            Assumptions.assumeTrue(MediaTools.onPath(tool), tool + " not installed (scripts/install-media-tools.sh)");
        }
        Assumptions.assumeTrue(Files.exists(TestPdfs.DEJAVU), "DejaVu fonts not installed (scripts/install-media-tools.sh)");
        Map<String, String> settings = new HashMap<>();
        settings.put("launcher.milvus.fresh", "true");
        settings.put("launcher.metrics.port", "0");
        settings.put("launcher.web.port", "0");
        settings.put("launcher.control.port", "0");
        settings.put("ingest.http.port", "0");
        settings.put("search.http.port", "0");
        settings.put("launcher.quality-job.enabled", "false");
        settings.put("launcher.bias-job.enabled", "false");
        // the model whose cascades decode every modality: hostile media reach the real decoders
        settings.put("encoder.model", "bge-small-en-v1.5-cascade");
        settings.put("encoder.batch.max-size", "8");
        // small limits keep the oversize requests cheap to send
        settings.put("ingest.max-request-bytes", Long.toString(MAX_REQUEST_BYTES));
        settings.put("ingest.max-payload-bytes", Long.toString(MAX_REQUEST_BYTES * 3 / 4 - 4096));
        settings.put("ingest.max-batch-items", Integer.toString(MAX_BATCH_ITEMS));
        ConfigSource config = ConfigSource.load(null, settings);

        List<Document> goodTexts;
        try (Stream<Document> docs = new SciFactCorpus(SharedStack.sharedData().resolve("scifact/scifact.zip")).documents()) {
            goodTexts = docs.limit(21).toList();
        }
        try (EmbeddedStack stack = EmbeddedStack.start(config, System.out);
             LoopbackListener ssrf = new LoopbackListener();
             DeadLetters dlq = new DeadLetters(stack, new HashSet<>(List.of(stack.dlqTopic(), config.get(MilvusSinkConfig.SINK_DLQ_TOPIC))))) {
            // the listener counts: one connection of our own, answered 404, before any playlist is sent
            int ownConnection = ssrf.probe();
            String run = UUID.randomUUID().toString().substring(0, 8);
            // the media show the 21st abstract; the good events are the first 20
            List<BadInput> corpus = BadInputs.build(goodTexts.get(20), run, stack.tenant(), stack.registryUrl(), stack.mediaTopic(),
                    stack.embeddingTopic(), stack.modelVersion(), ssrf.port(), MAX_REQUEST_BYTES, MAX_BATCH_ITEMS);
            Set<String> tempBefore = tempFiles();
            HttpClient http = HttpClient.newHttpClient();
            List<String> problems = new ArrayList<>();
            Map<String, String> answers = new LinkedHashMap<>();

            Map<String, List<BadInput>> groups = corpus.stream()
                    .collect(Collectors.groupingBy(BadInput::group, LinkedHashMap::new, Collectors.toList()));
            int good = 0;
            try (KafkaProducer<byte[], byte[]> producer = producer(stack)) {
                for (Map.Entry<String, List<BadInput>> group : groups.entrySet()) {
                    long t0 = System.nanoTime();
                    // inputs whose answer is a dead letter (or, for harmless records, none at all)
                    Map<String, BadInput> awaited = new LinkedHashMap<>();
                    for (BadInput input : group.getValue()) {
                        if (input instanceof ApiRequest r) {
                            HttpResponse<String> response = post(http, stack, r);
                            int status = response.statusCode();
                            if (status == 202) {
                                awaited.put(input.kind(), input);
                                answers.put(input.kind(), "HTTP 202, then ...");
                            } else {
                                answers.put(input.kind(), "HTTP " + status + " " + abbreviate(response.body()));
                                if (status < 400 || status > 499) {
                                    problems.add(input.kind() + ": HTTP " + status + " (expected 4xx or 202 and a dead letter): "
                                            + abbreviate(response.body()));
                                }
                            }
                        } else if (input instanceof TopicRecord r) {
                            String topic = r.target() == BadInputs.Target.MEDIA ? stack.mediaTopic() : stack.embeddingTopic();
                            producer.send(new ProducerRecord<>(topic, r.key(), r.value())).get(30, TimeUnit.SECONDS);
                            awaited.put(input.kind(), input);
                            answers.put(input.kind(), "record on " + topic + ", then ...");
                        }
                    }

                    // the pipeline survives: a good event sent after the group is embedded once
                    Document doc = goodTexts.get(good++);
                    String goodId = "corpus-" + run + "-good-" + group.getKey();
                    HttpResponse<String> accepted = post(http, stack, new ApiRequest("good", group.getKey(), goodId, "/v1/media",
                            JSON.writeValueAsBytes(Map.of("contentId", goodId, "modality", "TEXT", "text", doc.text())),
                            BadInputs.Credential.DEMO));
                    assertThat(accepted.statusCode()).as("good event after group " + group.getKey() + ": " + accepted.body())
                            .isEqualTo(202);
                    try {
                        await("group " + group.getKey() + " answered").atMost(GROUP_WAIT).pollInterval(Duration.ofMillis(500))
                                .pollInSameThread().until(() -> {
                                    dlq.poll();
                                    return stack.rowsPerContentId(List.of(goodId)).getOrDefault(goodId, 0L) == 1L
                                            && awaited.values().stream().allMatch(i -> i instanceof TopicRecord t && t.harmless()
                                                    || dlq.find(i.id()) != null || rows(stack, i.id()) > 0);
                                });
                    } catch (ConditionTimeoutException e) {
                        long rows = stack.rowsPerContentId(List.of(goodId)).getOrDefault(goodId, 0L);
                        if (rows != 1) {
                            problems.add("the good event after group " + group.getKey() + " has " + rows
                                    + " rows after " + GROUP_WAIT.toSeconds() + " s (expected 1)");
                        }
                    }
                    dlq.poll();
                    for (BadInput input : awaited.values()) {
                        FailedEvent letter = dlq.find(input.id());
                        long rows = rows(stack, input.id());
                        String sent = answers.get(input.kind()).replace(", then ...", "");
                        if (input instanceof TopicRecord t && t.harmless()) {
                            answers.put(input.kind(), sent + ", no dead letter" + (letter == null ? "" : ": " + describe(letter)));
                            if (letter != null) {
                                problems.add(input.kind() + ": dead-lettered although legal: " + describe(letter));
                            }
                            continue;
                        }
                        if (letter != null) {
                            answers.put(input.kind(), sent + ", DLQ " + describe(letter));
                            if (letter.getStage() == null || letter.getStage().isBlank() || letter.getReason() == null
                                    || letter.getReason().isBlank()) {
                                problems.add(input.kind() + ": dead letter without stage or reason: " + describe(letter));
                            }
                        } else {
                            answers.put(input.kind(), sent + (rows > 0 ? ", EMBEDDED (" + rows + " row)" : ", NO ANSWER"));
                        }
                        if (rows > 0) {
                            problems.add(input.kind() + ": embedded (" + rows + " row) instead of refused or dead-lettered");
                        } else if (letter == null) {
                            problems.add(input.kind() + ": neither a 4xx nor a dead letter within " + GROUP_WAIT.toSeconds() + " s");
                        }
                    }
                    // no process died
                    if (!stack.workerRunning()) {
                        problems.add("after group " + group.getKey() + ": the encoder worker stopped");
                    }
                    if (!stack.sink().isRunning()) {
                        problems.add("after group " + group.getKey() + ": the Milvus sink stopped: " + stack.sink().failure());
                    }
                    System.out.printf("bad-input corpus: group %s (%d kinds) answered in %.1f s%n", group.getKey(),
                            group.getValue().size(), (System.nanoTime() - t0) / 1e9);
                }
            }

            HttpResponse<String> health = http.send(HttpRequest.newBuilder(stack.ingestUri().resolve("/healthz"))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (health.statusCode() != 200) {
                problems.add("ingest /healthz answers " + health.statusCode());
            }
            if (ssrf.connections() > ownConnection) {
                problems.add("an HLS playlist made a media tool connect to 127.0.0.1:" + ssrf.port() + " "
                        + (ssrf.connections() - ownConnection) + " time(s) (server-side request forgery)");
            }
            // temp files are removed when a record is done with; a leaked one never goes away
            Set<String> leaked = new HashSet<>();
            try {
                await("temp files removed").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    leaked.clear();
                    leaked.addAll(tempFiles());
                    leaked.removeAll(tempBefore);
                    return leaked.isEmpty();
                });
            } catch (ConditionTimeoutException e) {
                problems.add("temp files left behind in " + System.getProperty("java.io.tmpdir") + ": " + leaked);
            }

            System.out.println("bad-input corpus: " + corpus.size() + " kinds");
            System.out.printf("%-32s | %s%n", "kind", "answer");
            System.out.println("-".repeat(32) + "-+-" + "-".repeat(100));
            answers.forEach((kind, answer) -> System.out.printf("%-32s | %s%n", kind, answer));
            problems.forEach(p -> System.out.println("PROBLEM: " + p));

            assertThat(corpus).extracting(BadInput::kind).doesNotHaveDuplicates();
            assertThat(corpus.size()).as("kinds of bad input").isGreaterThanOrEqualTo(30);
            assertThat(problems).as("findings of the bad-input corpus").isEmpty();
        }
    }

    private static long rows(EmbeddedStack stack, String id) {
        return stack.rowsPerContentId(List.of(id)).getOrDefault(id, 0L);
    }

    private static HttpResponse<String> post(HttpClient http, EmbeddedStack stack, ApiRequest r) {
        HttpRequest.Builder b = HttpRequest.newBuilder(stack.ingestUri().resolve(r.path())).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(r.body()));
        switch (r.credential()) {
            case DEMO -> b.header("Authorization", "Bearer " + stack.apiKey());
            case UNKNOWN_KEY -> b.header("Authorization", "Bearer os_corpus_" + UUID.randomUUID().toString().replace("-", ""));
            case NONE -> { }
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(r.kind() + ": the ingest API did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedStack stack) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(32 << 20));
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * The temp files media processing can leave: every file under the tool sandbox's media directory
     * ({@link ToolSandbox#tempDir()}: an {@code omnistream-tools-*} directory of java.io.tmpdir private to this JVM,
     * empty between records; created here before the first snapshot, so the directory itself is not mistaken for a
     * leak), and entries of java.io.tmpdir named {@code omnistream-media*}, {@code omnistream-tool*} or
     * {@code ffmpeg*} (where media files and tool logs went before the sandbox had a directory of its own). Other
     * {@code omnistream*} entries of java.io.tmpdir are not counted: ITs of other JVMs on the same machine create and
     * remove their stacks' Milvus data, Flink checkpoints and dataset copies there at any time.
     */
    private static Set<String> tempFiles() throws IOException {
        Path media = ToolSandbox.current().tempDir();
        Set<String> names = new LinkedHashSet<>();
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("omnistream-media")
                    || n.startsWith("omnistream-tool") && !n.equals(media.getFileName().toString()) || n.startsWith("ffmpeg"))
                    .forEach(names::add);
        }
        try (Stream<Path> files = Files.walk(media)) {
            files.filter(p -> !p.equals(media)).forEach(p -> names.add(p.toString()));
        }
        return names;
    }

    private static String describe(FailedEvent f) {
        return "stage=" + f.getStage() + " reason=" + abbreviate(f.getReason());
    }

    private static String abbreviate(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ");
        return one.length() <= 160 ? one : one.substring(0, 160) + "...";
    }

    /** Every dead letter on the stack's DLQ topics, indexed by content id and by record key, read incrementally. */
    private static final class DeadLetters implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final ConfluentAvroDeserializer<FailedEvent> deserializer;
        private final Map<String, FailedEvent> byId = new HashMap<>();

        DeadLetters(EmbeddedStack stack, Set<String> topics) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-corpus-dlq-" + UUID.randomUUID());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(64 << 20));
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.copyOf(topics));
            deserializer = new ConfluentAvroDeserializer<>(FailedEvent.class, stack.registryUrl());
        }

        void poll() {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.value() == null) {
                    continue;
                }
                FailedEvent f = deserializer.deserialize(r.topic(), r.value());
                if (f.getContentId() != null) {
                    byId.put(f.getContentId(), f);
                }
                if (r.key() != null) {
                    byId.put(new String(r.key(), StandardCharsets.UTF_8), f);
                }
            }
        }

        /** The dead letter of {@code id}: by content id, record key, or record key {@code <tenant>:<id>}. */
        FailedEvent find(String id) {
            FailedEvent direct = byId.get(id);
            if (direct != null) {
                return direct;
            }
            for (Iterator<Map.Entry<String, FailedEvent>> it = byId.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, FailedEvent> e = it.next();
                if (e.getKey().endsWith(":" + id)) {
                    return e.getValue();
                }
            }
            return null;
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
            deserializer.close();
        }
    }

    /**
     * A loopback TCP listener that counts connections and answers 404: what a media tool would reach if it followed a
     * playlist's {@code http://127.0.0.1} segment.
     */
    private static final class LoopbackListener implements AutoCloseable {
        private final ServerSocket server;
        private final AtomicInteger connections = new AtomicInteger();
        private final Thread acceptor;

        LoopbackListener() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(this::accept, "corpus-ssrf-listener");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void accept() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    connections.incrementAndGet();
                    s.setSoTimeout(2000);
                    InputStream in = s.getInputStream();
                    in.read(new byte[4096]);
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // closed, or a client that hung up: keep counting until closed
                }
            }
        }

        int port() {
            return server.getLocalPort();
        }

        /** Connects once, as a fetching tool would, checks the 404 and returns the count (1) that includes it. */
        int probe() throws IOException {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port())) {
                s.getOutputStream().write("GET /segment0.ts HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(answer).startsWith("HTTP/1.1 404");
            }
            assertThat(connections()).as("connections counted by the loopback listener").isEqualTo(1);
            return connections();
        }

        int connections() {
            return connections.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
