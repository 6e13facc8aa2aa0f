package io.omnistream.runtime.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The /metrics, /healthz, /readyz server over real HTTP on a free loopback port. */
class HealthEndpointsTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final AtomicReference<Health> liveness = new AtomicReference<>(Health.up("worker running"));
    private final AtomicReference<Health> readiness = new AtomicReference<>(Health.down("loading \"model\""));
    private final HttpClient http = HttpClient.newHttpClient();
    private HealthEndpoints endpoints;

    @BeforeEach
    void start() throws Exception {
        Counter.builder().name("omnistream_demo_events_total").help("demo").register(registry).inc(3);
        endpoints = HealthEndpoints.start("127.0.0.1", 0, registry, liveness::get, () -> {
            Health h = readiness.get();
            if (h == null) {
                throw new IllegalStateException("probe bug");
            }
            return h;
        });
    }

    @AfterEach
    void stop() {
        endpoints.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoints.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void probesAnswer200Or503WithTheReason() throws Exception {
        HttpResponse<String> live = get("/healthz");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"status\":\"up\",\"detail\":\"worker running\"}\n");
        HttpResponse<String> notReady = get("/readyz");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).isEqualTo("{\"status\":\"not_ready\",\"detail\":\"loading \\\"model\\\"\"}\n");
        assertThat(notReady.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");

        readiness.set(Health.up("model loaded"));
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
        liveness.set(Health.down("worker thread ended"));
        assertThat(get("/healthz").statusCode()).isEqualTo(503);
    }

    @Test
    void aThrowingProbeIs503NotADroppedConnection() throws Exception {
        readiness.set(null);
        HttpResponse<String> r = get("/readyz");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("probe failed: java.lang.IllegalStateException: probe bug");
    }

    @Test
    void servesTheRegistryOnMetricsAnd404Elsewhere() throws Exception {
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("omnistream_demo_events_total 3.0");
        assertThat(get("/nope").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoints.port()
                + "/healthz")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void andKeepsTheFirstFailure() {
        assertThat(Health.up("a").and(Health.up("b"))).isEqualTo(Health.up("a; b"));
        assertThat(Health.down("a").and(Health.down("b"))).isEqualTo(Health.down("a"));
        assertThat(Health.up("a").and(Health.down("b"))).isEqualTo(Health.down("b"));
    }
}
