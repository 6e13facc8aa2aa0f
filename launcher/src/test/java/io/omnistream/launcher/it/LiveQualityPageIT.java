package io.omnistream.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.ingest.load.BeirDataset;
import io.omnistream.ingest.load.Query;
import io.omnistream.launcher.cli.ReplayCommand;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.replay.BenchmarkTask;
import io.omnistream.schemas.Topics;
import io.omnistream.schemas.avro.DriftAlert;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.avro.RetrievalMetric;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The live quality page of the standalone quality service, in a real browser (Debian Chromium, headless, over the
 * DevTools protocol; skipped when Chromium is not installed: scripts/install-chromium.sh). After a tiny real replay on
 * the shared embedded stack, a second, standalone {@code QualityService} is started through its real entry
 * ({@code ServiceRuntime.run}) in this JVM (so it shares the stack's {@code mock://} registry scope) against the
 * stack's Kafka, and read from there:
 *
 * <ul>
 *   <li>its /metrics has every quality, bias and drift-alert series of the embedded stack's /metrics, with the same
 *       value;</li>
 *   <li>the replay (5 DBpedia queries, 4 judged entities each, 2 epochs, exact and served path) through ingest, the
 *       encoder, Kafka, Milvus and the Flink quality job: the page draws the task's primary metric (ndcg@10) per epoch
 *       with one point per epoch on each path, with the job's values; hit@1 is in the "All metrics" table;</li>
 *   <li>the stack's modality-bias job's topk_share@1 for the replayed (text-only) task appears in the matrix (k 1,
 *       group of the task) as text → text 1.000; hand-written bias records of another group (real Avro serializer)
 *       appear with their values;</li>
 *   <li>a DriftAlert on quality.alerts.v1 appears in the alert list within 20 s of being raised, and leaves it once
 *       a record with direction "cleared" follows; {@code ./omnistream alerts --since 10m} prints it;</li>
 *   <li>throughput and lag: the encoder's consumer group is listed with its lag, which is also on the standalone
 *       service's /metrics as omnistream_kafka_consumer_lag; the embedded stack's page still reports the encoder's
 *       event counts (the standalone service has no encoder in its process);</li>
 *   <li>SIGTERM stops the standalone service with exit status 0.</li>
 * </ul>
 * A screenshot is saved to target/live-quality.png.
 */
class LiveQualityPageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TASK = "dbpedia-page";
    private static final int QUERIES = 5;
    private static final int DOCS_PER_QUERY = 4;
    private static final int EPOCHS = 2;
    /** How long the page may take to show a change: two polls (2 s each) plus the reader's and the sampler's delay. */
    private static final Duration PAGE_UPDATE = Duration.ofSeconds(20);
    private static final Path SCREENSHOT = Path.of("target", "live-quality.png");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void pageShowsReplayedQualityBiasMatrixAlertsAndLag() throws Exception {
        Optional<Path> chromium = HeadlessChromium.executable();
        Assumptions.assumeTrue(chromium.isPresent(),
                "Chromium not installed (/usr/bin/chromium or $OMNISTREAM_CHROMIUM): run scripts/install-chromium.sh");

        EmbeddedStack stack = SharedStack.get();

        Path dir = beirSubset(Files.createTempDirectory("omnistream-beir").resolve(TASK));
        BenchmarkTask task = ReplayCommand.beirTask(dir);
        ReplayCommand.Outcome outcome = ReplayCommand.run(stack, List.of(task), 0, EPOCHS, List.of("exact", "served"),
                Duration.ofMinutes(10), 0, System.out);
        assertThat(outcome.complete()).isTrue();
        Map<String, Object> lastExact = stack.qualityView().taskReport(TASK, EPOCHS - 1, "exact");
        Map<String, Object> lastServed = stack.qualityView().taskReport(TASK, EPOCHS - 1, "served");
        // half of each query's candidates are relevant: a point above the axis, so the drawn values below mean something
        assertThat((Double) lastExact.get("ndcg@10")).isPositive();

        try (StandaloneQualityService standalone = StandaloneQualityService.start(stack.bootstrapServers(),
                stack.registryUrl(), stack.home().resolve("api-keys.json"), Duration.ofMinutes(2))) {
            checkStandalone(stack, standalone, lastExact, lastServed);
            assertThat(standalone.stop()).as("exit status after SIGTERM\n%s", standalone.output()).isZero();
        }
    }

    private void checkStandalone(EmbeddedStack stack, StandaloneQualityService standalone, Map<String, Object> lastExact,
                                 Map<String, Object> lastServed) throws Exception {
        Optional<Path> chromium = HeadlessChromium.executable();
        URI page = standalone.pageUri();
        URI embeddedMetrics = URI.create("http://127.0.0.1:" + stack.metricsPort() + "/metrics");
        // (a) the same quality series with the same values as the embedded stack (the jobs may still be emitting:
        // compared until both scrapes agree)
        await("standalone /metrics agrees with the embedded stack's").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    Map<String, Double> embedded = PrometheusScrape.qualitySeries(
                            StandaloneQualityService.get(embeddedMetrics).body());
                    Map<String, Double> alone = PrometheusScrape.qualitySeries(
                            StandaloneQualityService.get(standalone.metricsUri()).body());
                    assertThat(embedded).as("embedded quality series").isNotEmpty();
                    assertThat(embedded.keySet()).anyMatch(k -> k.startsWith("omnistream_retrieval_quality{"))
                            .anyMatch(k -> k.startsWith("omnistream_modality_bias{"));
                    assertThat(alone).containsAllEntriesOf(embedded);
                });

        // the HTTP surface: credentials first (401 with both challenges, Bearer or a browser's Basic), then JSON
        // answers, the static page, 404 and 405
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(page.resolve("/api/quality")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().allValues("WWW-Authenticate")).anyMatch(v -> v.startsWith("Bearer"))
                .anyMatch(v -> v.startsWith("Basic"));
        assertThat(http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .as("the page itself too").isEqualTo(401);
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("demo:" + stack.apiKey())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(http.send(HttpRequest.newBuilder(page.resolve("/api/quality")).header("Authorization", basic).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        HttpResponse<String> quality = http.send(authorized(page.resolve("/api/quality")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(quality.statusCode()).isEqualTo(200);
        assertThat(quality.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(http.send(authorized(page).build(), HttpResponse.BodyHandlers.ofString()).body())
                .contains("<script src=\"app.js\"></script>");
        assertThat(http.send(authorized(page.resolve("/no-such-file")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
        assertThat(http.send(authorized(page.resolve("/api/quality")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(405);

        try (HeadlessChromium browser = HeadlessChromium.start(chromium.get(), 1280, 1700, Path.of("target", "chromium.log"))) {
            browser.authorize(stack.apiKey());
            browser.navigate(page);
            await("the page's first poll").atMost(PAGE_UPDATE).pollInterval(Duration.ofMillis(250))
                    .until(() -> browser.evaluate("Number(document.body.dataset.updates)").asInt() >= 1);
            assertThat(browser.evaluate("document.getElementById('status').className").asText()).isEqualTo("status");

            // quality: the task's primary metric (ndcg@10), one point per replayed epoch on each path
            for (String metric : List.of("ndcg@10")) {
                for (String path : List.of("exact", "served")) {
                    String line = chart(metric) + " polyline[data-path=\"" + path + "\"]";
                    await(metric + " " + path + " drawn").atMost(PAGE_UPDATE).pollInterval(Duration.ofMillis(250))
                            .until(() -> browser.evaluate(count(line)).asInt() == 1);
                    assertThat(browser.evaluate(attribute(line, "data-points")).asText()).as(metric + " " + path)
                            .isEqualTo(Integer.toString(EPOCHS));
                }
                assertThat(browser.evaluate(count(chart(metric) + " circle")).asInt()).isEqualTo(2 * EPOCHS);
                // the last epoch's point carries the job's value (the page rounds to 3 decimals)
                assertThat(browser.evaluate(titles(chart(metric) + " circle")).toString())
                        .contains("exact epoch " + (EPOCHS - 1) + " (n=" + QUERIES + "): " + round3(lastExact.get(metric)))
                        .contains("served epoch " + (EPOCHS - 1) + " (n=" + QUERIES + "): " + round3(lastServed.get(metric)));
            }
            assertThat(browser.evaluate(count("svg.chart[data-task=\"" + TASK + "\"]")).asInt()).as("one chart per task").isEqualTo(1);
            // every other metric in the table behind the "All metrics" toggle
            for (String path : List.of("exact", "served")) {
                String cell = "table.metrics[data-task=\"" + TASK + "\"] tr[data-metric=\"hit@1\"] td[data-path=\"" + path + "\"]";
                assertThat(browser.evaluate(text(cell)).asText()).as("hit@1 " + path)
                        .isEqualTo(round3(("exact".equals(path) ? lastExact : lastServed).get("hit@1")));
            }
            assertThat(browser.evaluate("document.getElementById('details').open").asBoolean()).isFalse();
            // alerts come first
            assertThat(browser.evaluate("document.querySelector('main > section').id").asText()).isEqualTo("alerts-section");

            // bias, from the stack's own modality-bias job: the replayed corpus is text only, so every top-1 result
            // of a text query is text (share 1)
            String jobCell = matrixCell(TASK, "text", "text");
            selectBias(browser, TASK, "1");
            await("bias job's matrix drawn").atMost(PAGE_UPDATE.multipliedBy(3)).pollInterval(Duration.ofMillis(250))
                    .until(() -> browser.evaluate(count(jobCell)).asInt() == 1);
            assertThat(browser.evaluate(text(jobCell)).asText()).isEqualTo("1.000");

            // bias records of another group written by hand (real Avro serializer) are drawn with their values,
            // including a result modality the job never produced for TASK
            String handGroup = TASK + "-hand-written";
            long now = System.currentTimeMillis();
            String modelVersion = stack.modelVersion();
            produce(stack, Topics.QUALITY_METRICS, handGroup + "/topk_share@1", List.of(
                    bias(handGroup, Modality.TEXT, Modality.TEXT, 0.75, now, modelVersion),
                    bias(handGroup, Modality.TEXT, Modality.IMAGE, 0.25, now, modelVersion)));
            String cell = matrixCell(handGroup, "text", "image");
            selectBias(browser, handGroup, "1");
            await("hand-written bias matrix drawn").atMost(PAGE_UPDATE).pollInterval(Duration.ofMillis(250))
                    .until(() -> browser.evaluate(count(cell)).asInt() == 1);
            assertThat(browser.evaluate(text(cell)).asText()).isEqualTo("0.250");
            assertThat(browser.evaluate(text(matrixCell(handGroup, "text", "text"))).asText()).isEqualTo("0.750");

            // alerts: absent, raised, shown within PAGE_UPDATE
            String alertId = "it-" + UUID.randomUUID();
            String item = "#alerts li[data-alert-id=\"" + alertId + "\"]";
            assertThat(browser.evaluate(count(item)).asInt()).isZero();
            DriftAlert raised = alert(alertId, "down", modelVersion, System.currentTimeMillis());
            produce(stack, Topics.QUALITY_ALERTS, raised.getMetric(), List.of(raised));
            await("alert shown").atMost(PAGE_UPDATE).pollInterval(Duration.ofMillis(250))
                    .until(() -> browser.evaluate(count(item)).asInt() == 1);
            assertThat(browser.evaluate(text(item)).asText()).contains("hit@1").contains("down").contains("page-hinkley")
                    .contains("task=" + TASK);

            // the same alert through the CLI: ./omnistream alerts --since 10m against this stack
            String printed = Cli.run("alerts", "--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl(),
                    "--since", "10m");
            assertThat(printed).contains("id " + alertId).containsPattern("DOWN\\s+hit@1");

            // pipeline: the encoder's group with its lag on the media topic, and a sampled event rate
            String lagRow = "#lag tr[data-group=\"" + stack.encoderGroupId() + "\"][data-topic=\"" + stack.mediaTopic() + "\"]";
            await("encoder lag shown").atMost(PAGE_UPDATE).pollInterval(Duration.ofMillis(250))
                    .until(() -> browser.evaluate(count(lagRow)).asInt() == 1);
            assertThat(browser.evaluate(text(lagRow + " td:last-child")).asText()).matches("\\d+");
            assertThat(browser.evaluate(count("#encoder-rate")).asInt()).isEqualTo(1);
            JsonNode pipeline = get(stack.qualityPageUri().resolve("/api/pipeline"));
            assertThat(pipeline.path("encoderEventsTotal").path("embedded").asDouble()).isPositive();
            String metrics = StandaloneQualityService.get(standalone.metricsUri()).body();
            assertThat(metrics).containsPattern(Pattern.quote("omnistream_kafka_consumer_lag{group=\"" + stack.encoderGroupId()
                    + "\",topic=\"" + stack.mediaTopic() + "\"} ") + "\\d");

            browser.screenshot(SCREENSHOT);
            System.out.println("live quality page screenshot: " + SCREENSHOT.toAbsolutePath());
            byte[] png = Files.readAllBytes(SCREENSHOT);
            assertThat(png.length).isGreaterThan(10_000);
            assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");

            // a "cleared" record of the same series ends the alert
            produce(stack, Topics.QUALITY_ALERTS, raised.getMetric(),
                    List.of(alert("it-" + UUID.randomUUID(), "cleared", modelVersion, System.currentTimeMillis())));
            await("alert cleared").atMost(PAGE_UPDATE).pollInterval(Duration.ofMillis(250))
                    .until(() -> browser.evaluate(count(item)).asInt() == 0);
        }
    }

    private static String chart(String metric) {
        return "svg.chart[data-task=\"" + TASK + "\"][data-metric=\"" + metric + "\"][data-by=\"epoch\"]";
    }

    private static String matrixCell(String group, String queryModality, String resultModality) {
        return "table.matrix[data-metric=\"topk_share@1\"][data-group=\"" + group + "\"] td[data-query=\""
                + queryModality + "\"][data-result=\"" + resultModality + "\"]";
    }

    /**
     * Picks k and group of the modality matrix as a user does (the selects' change events); waits until the group is
     * offered, since the options follow the data.
     */
    private static void selectBias(HeadlessChromium browser, String group, String k) throws Exception {
        String option = "#bias-group option[value=" + js(group) + "]";
        await("bias group " + group + " offered").atMost(PAGE_UPDATE.multipliedBy(3)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    browser.evaluate("(() => { const s = document.getElementById('bias-k'); s.value = " + js(k)
                            + "; s.dispatchEvent(new Event('change')); })()");
                    return browser.evaluate(count(option)).asInt() == 1;
                });
        browser.evaluate("(() => { const s = document.getElementById('bias-group'); s.value = " + js(group)
                + "; s.dispatchEvent(new Event('change')); })()");
    }

    private static String count(String selector) {
        return "document.querySelectorAll(" + js(selector) + ").length";
    }

    private static String attribute(String selector, String name) {
        return "document.querySelector(" + js(selector) + ").getAttribute(" + js(name) + ")";
    }

    private static String text(String selector) {
        return "document.querySelector(" + js(selector) + ").textContent";
    }

    private static String titles(String selector) {
        return "Array.from(document.querySelectorAll(" + js(selector) + ")).map(c => c.textContent)";
    }

    private static String js(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String round3(Object value) {
        return String.format(Locale.ROOT, "%.3f", ((Number) value).doubleValue());
    }

    /** A request carrying the demo key (scope read-quality). */
    private HttpRequest.Builder authorized(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + SharedStack.get().apiKey());
    }

    private JsonNode get(URI uri) throws Exception {
        return JSON.readTree(http.send(authorized(uri).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static RetrievalMetric bias(String task, Modality query, Modality result, double value, long now, String modelVersion) {
        return RetrievalMetric.newBuilder()
                .setMetric("topk_share@1").setValue(value).setN(4).setScope("modality_bias")
                .setTaskId(task).setQueryModality(query).setTargetModality(result)
                .setModelId("bge-small-en-v1.5").setModelVersion(modelVersion).setPath("served")
                .setWindowStartMs(now - 60_000).setWindowEndMs(now).setEmittedAtMs(now)
                .build();
    }

    private static DriftAlert alert(String alertId, String direction, String modelVersion, long raisedAtMs) {
        return DriftAlert.newBuilder()
                .setAlertId(alertId).setMetric("hit@1").setModelVersion(modelVersion).setDetector("page-hinkley")
                .setStatistic(0.42).setThreshold(0.25).setDirection(direction)
                .setLabels(Map.of("task", TASK, "path", "exact"))
                .setWindowStartMs(raisedAtMs - 300_000).setWindowEndMs(raisedAtMs).setRaisedAtMs(raisedAtMs)
                .build();
    }

    /** Writes records with the real Confluent Avro serializer against the stack's registry (acks=all, waits for each). */
    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> void produce(EmbeddedStack stack, String topic, String key, List<T> records)
            throws Exception {
        Class<T> type = (Class<T>) records.get(0).getClass();
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ConfluentAvroSerializer<>(type, stack.registryUrl()))) {
            for (T record : records) {
                producer.send(new ProducerRecord<>(topic, key, record)).get();
            }
        }
    }

    /**
     * A BEIR directory with the first QUERIES DBpedia queries and, of each, the first DOCS_PER_QUERY / 2 entities
     * judged relevant and the first DOCS_PER_QUERY / 2 judged not relevant (in qrels order).
     */
    private static Path beirSubset(Path dir) throws IOException {
        BeirDataset dbpedia = new BeirDataset(SharedStack.sharedData().resolve("beir-dbpedia"));
        List<Query> queries = dbpedia.queries().subList(0, QUERIES);
        Map<String, Map<String, Integer>> qrels = BeirSubsets.judgments(dbpedia);
        Set<String> pool = new LinkedHashSet<>();
        for (Query q : queries) {
            // half judged relevant, half judged not relevant: gives hit@1 and ndcg@10 between 0 and 1 to draw
            Map<String, Integer> judged = qrels.getOrDefault(q.id(), Map.of());
            judged.entrySet().stream().filter(e -> e.getValue() > 0).limit(DOCS_PER_QUERY / 2).forEach(e -> pool.add(e.getKey()));
            judged.entrySet().stream().filter(e -> e.getValue() == 0).limit(DOCS_PER_QUERY / 2).forEach(e -> pool.add(e.getKey()));
        }
        return BeirSubsets.write(dir, dbpedia, queries, pool, qrels);
    }
}
