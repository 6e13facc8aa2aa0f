package io.omnistream.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.ingest.TestData;
import io.omnistream.ingest.config.IngestConfig;
import io.omnistream.runtime.auth.ApiKeyStore;
import io.omnistream.runtime.auth.Authenticators;
import io.omnistream.runtime.auth.Scope;
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
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the real JDK HTTP server on an ephemeral port through the producer port. */
class IngestServerTest {
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private IngestServer server;
    @TempDir
    Path tmp;
    private ApiKeyStore keys;
    /** Tenant acme with every scope: the credential of most requests here. */
    private String acme;

    private IngestServer start(Map<String, String> overrides) throws Exception {
        Map<String, String> values = new HashMap<>(Map.of("kafka.bootstrap.servers", "unused:9092", "ingest.http.port", "0",
                "ingest.max-payload-bytes", "100000", "ingest.max-request-bytes", "200000", "ingest.max-batch-items", "5",
                "ingest.produce.timeout", "5s"));
        values.putAll(overrides);
        keys = ApiKeyStore.open(tmp.resolve("api-keys.json"), Duration.ZERO);
        acme = keys.create("acme", EnumSet.of(Scope.INGEST, Scope.DELETE)).plaintext();
        server = new IngestServer(IngestConfig.from(ConfigSource.of(values)), publisher, registry,
                Authenticators.apiKeys(keys)).start();
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
        return post(path, body, contentType, acme);
    }

    private HttpResponse<String> post(String path, String body, String contentType, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String body) throws Exception {
        return post("/v1/media", body, "application/json");
    }

    private HttpResponse<String> request(String method, String path) throws Exception {
        return request(method, path, acme);
    }

    private HttpResponse<String> request(String method, String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
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
        assertThat(publisher.tombstones()).containsExactly("acme:<dbpedia:AC/DC>");
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
    void answers429WhenWorkersAndQueueAreFullAndDrainsOnClose() throws Exception {
        start(Map.of("ingest.http.threads", "1", "ingest.http.queue", "1"));
        publisher.closeGate(); // the broker "hangs": the first request holds the only worker
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> call("a"));
        await().atMost(Duration.ofSeconds(10)).until(() -> publisher.published().size() == 1);
        CompletableFuture<HttpResponse<String>> second = CompletableFuture.supplyAsync(() -> call("b"));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.queuedRequests() == 1);

        HttpResponse<String> third = post("{\"contentId\":\"c\",\"modality\":\"TEXT\",\"text\":\"c\"}");
        assertThat(third.statusCode()).as("load shed: the platform is up, retry shortly").isEqualTo(429);
        assertThat(body(third).get("error").asText()).isEqualTo("rate_limited");
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

    @Test
    void everyV1RequestNeedsAValidKeyWithTheRouteScopeButProbesDoNot() throws Exception {
        start(Map.of());
        String text = "{\"contentId\":\"a\",\"modality\":\"TEXT\",\"text\":\"hi\"}";
        HttpResponse<String> none = post("/v1/media", text, "application/json", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(body(none).get("error").asText()).isEqualTo("unauthenticated");
        assertThat(post("/v1/media", text, "application/json", "osk_nope_nope").statusCode()).isEqualTo(401);
        assertThat(request("DELETE", "/v1/media/a", null).statusCode()).isEqualTo(401);

        String searchOnly = keys.create("acme", EnumSet.of(Scope.SEARCH)).plaintext();
        HttpResponse<String> noScope = post("/v1/media", text, "application/json", searchOnly);
        assertThat(noScope.statusCode()).isEqualTo(403);
        assertThat(body(noScope).get("error").asText()).isEqualTo("forbidden");
        String ingestOnly = keys.create("acme", EnumSet.of(Scope.INGEST)).plaintext();
        assertThat(request("DELETE", "/v1/media/a", ingestOnly).statusCode()).as("delete needs its own scope").isEqualTo(403);

        ApiKeyStore.CreatedKey toRevoke = keys.create("acme", EnumSet.of(Scope.INGEST));
        String revoked = toRevoke.plaintext();
        keys.revoke(toRevoke.key().id());
        assertThat(post("/v1/media", text, "application/json", revoked).statusCode()).isEqualTo(401);

        assertThat(request("GET", "/healthz", null).statusCode()).isEqualTo(200);
        assertThat(request("GET", "/readyz", null).statusCode()).isEqualTo(200);
        assertThat(publisher.published()).isEmpty();
        assertThat(counter("omnistream_ingest_rejected", "reason", "unauthenticated")).isEqualTo(4.0);
        assertThat(counter("omnistream_ingest_rejected", "reason", "forbidden")).isEqualTo(2.0);
    }

    @Test
    void theTenantComesFromTheKeyAndIdsAreTheTenantsOwn() throws Exception {
        start(Map.of());
        String globex = keys.create("globex", EnumSet.of(Scope.INGEST, Scope.DELETE)).plaintext();
        String item = "{\"contentId\":\"same-id\",\"modality\":\"TEXT\",\"text\":\"hello\"}";
        assertThat(post("/v1/media", item, "application/json", acme).statusCode()).isEqualTo(202);
        assertThat(post("/v1/media", item, "application/json", globex).statusCode())
                .as("the same id and text from another tenant is that tenant's own item, not a duplicate").isEqualTo(202);
        assertThat(publisher.published()).extracting(MediaEvent::getTenant).containsExactly("acme", "globex");

        HttpResponse<String> spoof = post("/v1/media",
                "{\"contentId\":\"x\",\"tenant\":\"acme\",\"modality\":\"TEXT\",\"text\":\"x\"}", "application/json", globex);
        assertThat(spoof.statusCode()).as("a body naming another tenant is refused").isEqualTo(403);

        assertThat(request("DELETE", "/v1/media/same-id", globex).statusCode()).isEqualTo(202);
        assertThat(publisher.tombstones()).as("globex's delete is a tombstone of globex's key only")
                .containsExactly("globex:same-id");

        HttpResponse<String> bench = post("/v1/media",
                "{\"contentId\":\"bench:scifact:0:c:1\",\"modality\":\"TEXT\",\"text\":\"x\"}", "application/json", acme);
        assertThat(bench.statusCode()).as("benchmark ids belong to the replayer").isEqualTo(403);
    }

    @Test
    void idLimitsAreInUtf8BytesAfterNfc() throws Exception {
        start(Map.of());
        String twoByte = "\u00e9".repeat(256); // 256 code points, 512 bytes: at the limit
        assertThat(post("{\"contentId\":\"" + twoByte + "\",\"modality\":\"TEXT\",\"text\":\"t\"}").statusCode())
                .isEqualTo(202);
        String over = "\u00e9".repeat(257);
        HttpResponse<String> r = post("{\"contentId\":\"" + over + "\",\"modality\":\"TEXT\",\"text\":\"t\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(body(r).get("message").asText()).contains("512 bytes");
        HttpResponse<String> rtl = post("{\"contentId\":\"abc\u202Egpj.exe\",\"modality\":\"TEXT\",\"text\":\"t\"}");
        assertThat(rtl.statusCode()).as("a right-to-left override in an id").isEqualTo(400);
        assertThat(post("{\"contentId\":\"cafe\u0301\",\"modality\":\"TEXT\",\"text\":\"t\"}").statusCode()).isEqualTo(202);
        assertThat(publisher.published().get(1).getContentId()).as("stored in NFC").isEqualTo("caf\u00e9");
    }

    @Test
    void aTenantOverItsConcurrencyOrRateGets429WithRetryAfterWhileOthersPass() throws Exception {
        start(Map.of("ingest.tenant.max-concurrent-requests", "1", "ingest.tenant.requests-per-second", "1",
                "ingest.tenant.burst", "3"));
        String globex = keys.create("globex", EnumSet.of(Scope.INGEST)).plaintext();
        publisher.closeGate(); // acme's first request holds its only slot
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> call("a"));
        await().atMost(Duration.ofSeconds(10)).until(() -> publisher.published().size() == 1);
        HttpResponse<String> second = post("{\"contentId\":\"b\",\"modality\":\"TEXT\",\"text\":\"b\"}");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(body(second).get("message").asText()).contains("in progress");
        publisher.openGate();
        assertThat(first.get().statusCode()).isEqualTo(202);

        String item = "{\"contentId\":\"g\",\"modality\":\"TEXT\",\"text\":\"g\"}";
        assertThat(post("/v1/media", item, "application/json", globex).statusCode()).isEqualTo(202);
        // acme used 2 of its burst of 3 (the first, and the refused one took no token); drain it
        int accepted = 0;
        HttpResponse<String> limited = null;
        for (int i = 0; i < 5 && limited == null; i++) {
            HttpResponse<String> r = post("{\"contentId\":\"r" + i + "\",\"modality\":\"TEXT\",\"text\":\"r\"}");
            if (r.statusCode() == 429) {
                limited = r;
            } else {
                accepted++;
            }
        }
        assertThat(limited).as("the rate limit answers within the burst").isNotNull();
        assertThat(accepted).isBetween(1, 3);
        assertThat(body(limited).get("message").asText()).contains("rate");
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    }
}
