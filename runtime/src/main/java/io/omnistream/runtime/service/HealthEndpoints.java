package io.omnistream.runtime.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The operational HTTP endpoint of a standalone service (port 9400 in the images):
 *
 * <pre>
 * GET /metrics   Prometheus text (or OpenMetrics / protobuf by Accept header) of the service's registry
 * GET /healthz   liveness  → 200 {"status":"up",...}    | 503 {"status":"down","detail":...}
 * GET /readyz    readiness → 200 {"status":"ready",...} | 503 {"status":"not_ready","detail":...}
 * </pre>
 *
 * Built on the Prometheus exporter's {@link HTTPServer}: it serves {@code /metrics} (and {@code /-/healthy}) itself
 * and passes every other path to its default handler, which answers the two probes here and 404 otherwise. A probe
 * that throws is answered 503 with the exception, never with a dropped connection.
 */
public final class HealthEndpoints implements AutoCloseable {
    private final HTTPServer server;

    private HealthEndpoints(HTTPServer server) {
        this.server = server;
    }

    /**
     * Binds {@code host:port} (port 0 picks a free one, see {@link #port()}) and starts serving.
     *
     * @throws IOException if the address cannot be bound (port in use)
     */
    public static HealthEndpoints start(String host, int port, PrometheusRegistry registry, Supplier<Health> liveness,
                                        Supplier<Health> readiness) throws IOException {
        HttpHandler probes = exchange -> {
            try (exchange) {
                String method = exchange.getRequestMethod();
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                    send(exchange, 405, "{\"error\":\"method_not_allowed\"}");
                    return;
                }
                switch (exchange.getRequestURI().getPath()) {
                    case "/healthz" -> answer(exchange, liveness, "up", "down");
                    case "/readyz" -> answer(exchange, readiness, "ready", "not_ready");
                    default -> send(exchange, 404, "{\"error\":\"not_found\",\"paths\":[\"/metrics\",\"/healthz\",\"/readyz\"]}");
                }
            }
        };
        HTTPServer server = HTTPServer.builder()
                .hostname(host)
                .port(port)
                .registry(registry)
                .defaultHandler(probes)
                .buildAndStart();
        return new HealthEndpoints(server);
    }

    /** The bound port (the real one when 0 was asked for). */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }

    private static void answer(HttpExchange exchange, Supplier<Health> probe, String upWord, String downWord)
            throws IOException {
        Health health;
        try {
            health = probe.get();
        } catch (RuntimeException e) {
            health = Health.down("probe failed: " + e);
        }
        send(exchange, health.ok() ? 200 : 503, "{\"status\":\"" + (health.ok() ? upWord : downWord)
                + "\",\"detail\":\"" + jsonEscape(health.detail()) + "\"}");
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = (json + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
