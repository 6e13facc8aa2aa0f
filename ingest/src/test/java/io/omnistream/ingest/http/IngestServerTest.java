package io.omnistream.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.ingest.TestData;
import io.omnistream.ingest.config.IngestConfig;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.avro.MediaEvent;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Drives the real JDK HTTP server on an ephemeral port through the producer port. */
class IngestServerTest {
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private IngestServer server;

    private IngestServer start(Map<String, String> overrides) throws Exception {
        Map<String, String> values = new HashMap<>(Map.of("kafka.bootstrap.servers", "unused:9092", "ingest.http.port", "0",
                "ingest.max-payload-bytes", "100000", "ingest.max-request-bytes", "200000", "ingest.max-batch-items", "5",
                "ingest.produce.timeout", "5s"));
        values.putAll(overrides);
        server = new IngestServer(IngestConfig.from(ConfigSource.of(values)), publisher, registry).start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            publisher.openGate();
            server.close();
        }
    }

    private HttpResponse<String> post(String path, String body, String contentType) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String body) throws Exception {
        return post("/v1/media", body, "application/json");
    }

    private HttpResponse<String> request(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode body(HttpResponse<String> r) throws Exception {
        return json.readTree(r.body());
    }

    private double counter(String name, String label, String value) {
        for (MetricSnapshot s : registry.scrape()) {
            if (s.getMetadata().getPrometheusName().equals(name) && s instanceof CounterSnapshot c) {
                for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
                    if (label == null || p.getLabels().equals(Labels.of(label, value))) {
                        return p.getValue();
                    }
                }
            }
        }
        return -1;
    }

    @Test
    void acceptsAfterPublishAndSuppressesTheDuplicate() throws Exception {
        start(Map.of());
        String png = Base64.getEncoder().encodeToString(TestData.bytes(TestData.PNG));
        String item = "{\"contentId\":\"img-1\",\"modality\":\"IMAGE\",\"payloadBase64\":\"" + png + "\"}";
        HttpResponse<String> first = post(item);
        assertThat(first.statusCode()).isEqualTo(202);
        JsonNode b = body(first);
        assertThat(b.get("status").asText()).isEqualTo("accepted");
        assertThat(b.get("mimeType").asText()).isEqualTo("image/png");
        assertThat(b.get("contentHash").asText()).hasSize(64);
        assertThat(publisher.published()).hasSize(1);
        MediaEvent e = publisher.published().get(0);
        assertThat(e.getSource()).isEqualTo("http");
        assertThat(e.getContentHash()).isEqualTo(b.get("contentHash").asText());

        HttpResponse<String> again = post(item);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(body(again).get("duplicate").asBoolean()).isTrue();
        assertThat(publisher.published()).as("a duplicate is not produced again").hasSize(1);
        assertThat(counter("omnistream_ingest_duplicates", null, null)).isEqualTo(1.0);
        assertThat(counter("omnistream_ingest_requests", "outcome", "accepted")).isEqualTo(1.0);

        String changed = "{\"contentId\":\"img-1\",\"modality\":\"IMAGE\",\"text\":\"caption\",\"payloadBase64\":\"" + png + "\"}";
        assertThat(post(changed).statusCode()).as("changed content for the same id is an update").isEqualTo(202);
        assertThat(publisher.published()).hasSize(2);
        HistogramSnapshot h = (HistogramSnapshot) registry.scrape().stream()
                .filter(s -> s.getMetadata().getName().equals("omnistream_ingest_produce_seconds")).findFirst().orElseThrow();
        assertThat(h.getDataPoints().get(0).getCount()).isEqualTo(2);
    }

    @Test
    void rejectionsProduceNothingAndAreCountedByReason() throws Exception {
        start(Map.of());
        HttpResponse<String> malformed = post("{not json");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(body(malformed).get("error").asText()).isEqualTo("malformed_json");

        String big = Base64.getEncoder().encodeToString(new byte[150_000]);
        HttpResponse<String> tooLarge = post("{\"contentId\":\"x\",\"modality\":\"IMAGE\",\"payloadBase64\":\"" + big + "\"}");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(body(tooLarge).get("error").asText()).isEqualTo("payload_too_large");

        String wav = Base64.getEncoder().encodeToString(TestData.bytes(TestData.WAV));
        HttpResponse<String> mismatch = post("{\"contentId\":\"x\",\"modality\":\"IMAGE\",\"payloadBase64\":\"" + wav + "\"}");
        assertThat(mismatch.statusCode()).isEqualTo(422);
        assertThat(body(mismatch).get("message").asText()).contains("audio/vnd.wave");

        assertThat(publisher.published()).isEmpty();
        assertThat(counter("omnistream_ingest_rejected", "reason", "malformed_json")).isEqualTo(1.0);
        assertThat(counter("omnistream_ingest_rejected", "reason", "payload_too_large")).isEqualTo(1.0);
        assertThat(counter("omnistream_ingest_rejected", "reason", "modality_mismatch")).isEqualTo(1.0);
        assertThat(counter("omnistream_ingest_requests", "outcome", "rejected")).isEqualTo(3.0);
    }

    @Test
    void brokerFailuresAreClassified() throws Exception {
        start(Map.of());
        publisher.failNext(() -> new TimeoutException("Topic media.events.v1 not present in metadata after 5000 ms."));
        HttpResponse<String> transientFailure = post("{\"contentId\":\"a\",\"modality\":\"TEXT\",\"text\":\"hi\"}");
        assertThat(transientFailure.statusCode()).isEqualTo(503);
        assertThat(transientFailure.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(body(transientFailure).get("error").asText()).isEqualTo("unavailable");

        HttpResponse<String> retried = post("{\"contentId\":\"a\",\"modality\":\"TEXT\",\"text\":\"hi\"}");
        assertThat(retried.statusCode()).as("a failed produce is not remembered as seen").isEqualTo(202);

        publisher.failNext(() -> new SerializationException("schema registry refused"));
        HttpResponse<String> permanent = post("{\"contentId\":\"b\",\"modality\":\"TEXT\",\"text\":\"hi\"}");
        assertThat(permanent.statusCode()).isEqualTo(500);
        assertThat(body(permanent).get("error").asText()).isEqualTo("produce_rejected");
    }

    @Test
    void batchReportsPerItemResults() throws Exception {
        start(Map.of());
        publisher.failNext(() -> new TimeoutException("expired"));
        String ndjson = """
                {"contentId":"t1","modality":"TEXT","text":"first"}
                {"contentId":"t2","modality":"TEXT"}
                {"contentId":"t3","modality":"TEXT","text":"third"}
                garbage
                """;
        HttpResponse<String> r = post("/v1/media:batch", ndjson, "application/x-ndjson");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        JsonNode b = body(r);
        assertThat(b.get("accepted").asInt()).isEqualTo(1);
        assertThat(b.get("rejected").asInt()).isEqualTo(3);
        JsonNode results = b.get("results");
        assertThat(results.get(0).get("httpStatus").asInt()).as("first publish scripted to time out").isEqualTo(503);
        assertThat(results.get(1).get("error").asText()).isEqualTo("missing_field");
        assertThat(results.get(2).get("status").asText()).isEqualTo("accepted");
        assertThat(results.get(3).get("error").asText()).isEqualTo("malformed_json");
        assertThat(publisher.published()).extracting(e -> e.getContentId()).containsExactly("t3");

        HttpResponse<String> array = post("/v1/media:batch",
                "[{\"contentId\":\"t3\",\"modality\":\"TEXT\",\"text\":\"third\"},{\"contentId\":\"t4\",\"modality\":\"TEXT\",\"text\":\"4\"}]",
                "application/json");
        assertThat(body(array).get("duplicates").asInt()).isEqualTo(1);
        assertThat(body(array).get("accepted").asInt()).isEqualTo(1);

        HttpResponse<String> tooMany = post("/v1/media:batch", "[{},{},{},{},{},{}]", "application/json");
        assertThat(tooMany.statusCode()).isEqualTo(413);
        assertThat(body(tooMany).get("error").asText()).isEqualTo("too_many_items");
    }

    @Test
    void deleteSendsATombstoneAndForgetsTheId() throws Exception {
        start(Map.of());
        String item = "{\"contentId\":\"<dbpedia:AC/DC>\",\"modality\":\"TEXT\",\"text\":\"band\"}";
        assertThat(post(item).statusCode()).isEqualTo(202);
        HttpResponse<String> del = request("DELETE", "/v1/media/%3Cdbpedia:AC%2FDC%3E");
        assertThat(del.statusCode()).isEqualTo(202);
        assertThat(publisher.tombstones()).containsExactly("<dbpedia:AC/DC>");
        assertThat(post(item).statusCode()).as("re-adding deleted content is produced again").isEqualTo(202);
        assertThat(publisher.published()).hasSize(2);
        assertThat(request("DELETE", "/v1/media/has%20space").statusCode()).isEqualTo(400);
    }

    @Test
    void routingHealthAndReadiness() throws Exception {
        start(Map.of());
        assertThat(request("GET", "/healthz").statusCode()).isEqualTo(200);
        assertThat(request("GET", "/readyz").statusCode()).isEqualTo(200);
        publisher.ready = false;
        assertThat(request("GET", "/readyz").statusCode()).isEqualTo(503);
        assertThat(request("GET", "/v1/media").statusCode()).isEqualTo(405);
        assertThat(request("GET", "/v1/mediafoo").statusCode()).isEqualTo(404);
        assertThat(request("GET", "/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void answersOverloadedWhenWorkersAndQueueAreFullAndDrainsOnClose() throws Exception {
        start(Map.of("ingest.http.threads", "1", "ingest.http.queue", "1"));
        publisher.closeGate(); // the broker "hangs": the first request holds the only worker
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> call("a"));
        await().atMost(Duration.ofSeconds(10)).until(() -> publisher.published().size() == 1);
        CompletableFuture<HttpResponse<String>> second = CompletableFuture.supplyAsync(() -> call("b"));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.queuedRequests() == 1);

        HttpResponse<String> third = post("{\"contentId\":\"c\",\"modality\":\"TEXT\",\"text\":\"c\"}");
        assertThat(third.statusCode()).isEqualTo(503);
        assertThat(body(third).get("error").asText()).isEqualTo("overloaded");
        assertThat(third.headers().firstValue("Retry-After")).hasValue("1");

        publisher.openGate();
        assertThat(first.get().statusCode()).isEqualTo(202);
        assertThat(second.get().statusCode()).isEqualTo(202);
        server.close();
        assertThat(publisher.flushes).isEqualTo(1);
    }

    private HttpResponse<String> call(String id) {
        try {
            return post("{\"contentId\":\"" + id + "\",\"modality\":\"TEXT\",\"text\":\"" + id + "\"}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void brokerRefusalStatusFollowsTheFailureClassifier() throws Exception {
        // RecordTooLargeException is not retriable in Kafka; the HTTP status must follow the one classifier, whatever
        // it decides (currently TRANSIENT, as an unknown ApiException: see the report).
        start(Map.of());
        RecordTooLargeException error = new RecordTooLargeException("too large");
        int expected = io.omnistream.runtime.error.FailureClassifier.classify(error)
                == io.omnistream.runtime.error.FailureKind.TRANSIENT ? 503 : 500;
        publisher.failNext(() -> error);
        HttpResponse<String> r = post("{\"contentId\":\"a\",\"modality\":\"TEXT\",\"text\":\"hi\"}");
        assertThat(r.statusCode()).isEqualTo(expected);
        assertThat(body(r).get("message").asText()).contains("RecordTooLargeException");
    }

    @Test
    void aBodySeveralTimesOverTheLimitStillGetsItsAnswerNotAReset() throws Exception {
        // 4 MiB limit, 10 MiB declared body: more than loopback socket buffers hold, so unless the server reads the
        // rest before closing, the client is reset while it writes and never sees the 413
        start(Map.of("ingest.max-payload-bytes", "1048576", "ingest.max-request-bytes", "4194304"));
        String big = "A".repeat(10 * 1024 * 1024);
        HttpResponse<String> tooLarge = post("{\"contentId\":\"x\",\"modality\":\"IMAGE\",\"payloadBase64\":\"" + big + "\"}");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.headers().firstValue("Connection")).contains("close");
        assertThat(publisher.published()).isEmpty();
    }
}
