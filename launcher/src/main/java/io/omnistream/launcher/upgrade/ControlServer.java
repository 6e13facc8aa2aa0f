package io.omnistream.launcher.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.omnistream.runtime.auth.Authenticator;
import io.omnistream.runtime.auth.RequestAuthorization;
import io.omnistream.runtime.auth.Scope;
import io.omnistream.schemas.avro.GateSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded stack's control API, on 127.0.0.1 only: what {@code ./omnistream upgrade} talks to. The stack's
 * records use its in-JVM {@code mock://} schema registry, which no other process can reach, so a command in another
 * process asks the stack to take the step instead of writing the deployment topic itself.
 *
 * <pre>
 *   GET  /v1/deployment            the deployment, the last gate decision and the promotion readiness
 *   POST /v1/deployment/upgrade    {"to": MODEL_ID, "version": V?, "primaryMetricEpsilon": e?,
 *                                   "modalityAccuracyDelta": d?, "maxRecallLoss": r?, "autoPromote": b?}
 *   POST /v1/deployment/promote | abort | rollback | finish
 * </pre>
 *
 * Every request needs {@code Authorization: Bearer <token>} with either the stack's control token (random per start,
 * in {@code <omnistream.home>/stack.json}, which only the stack's user can read) or an API key / JWT with scope
 * {@code admin}. A step that is not allowed now answers 409 with the reason ({@code error: conflict}); bad input 400.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    private static final int MAX_BODY = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UpgradeController controller;
    private final Authenticator authenticator;
    private final String token;
    private final HttpServer server;

    public ControlServer(UpgradeController controller, Authenticator authenticator, int port) throws IOException {
        this.controller = controller;
        this.authenticator = authenticator;
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        // one thread: steps are serialised by the controller anyway, and a status read is short
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "control-api");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/v1/deployment", this::handle);
        server.start();
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The control token callers on this machine present (written to stack.json, never logged). */
    public String token() {
        return token;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!authorized(exchange)) {
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            try {
                if (path.equals("/v1/deployment") && method.equals("GET")) {
                    send(exchange, 200, status());
                    return;
                }
                if (!method.equals("POST")) {
                    error(exchange, 405, "method_not_allowed", method + " " + path);
                    return;
                }
                switch (path) {
                    case "/v1/deployment/upgrade" -> {
                        JsonNode body = body(exchange);
                        String to = body.path("to").asText("");
                        if (to.isBlank()) {
                            error(exchange, 400, "invalid_field", "'to' (a model id of the registry) is required");
                            return;
                        }
                        GateSpec.Builder gate = GateSpec.newBuilder();
                        if (body.has("primaryMetricEpsilon")) {
                            gate.setPrimaryMetricEpsilon(nonNegative(body, "primaryMetricEpsilon"));
                        }
                        if (body.has("modalityAccuracyDelta")) {
                            gate.setModalityAccuracyDelta(nonNegative(body, "modalityAccuracyDelta"));
                        }
                        if (body.has("maxRecallLoss")) {
                            gate.setMaxRecallLoss(nonNegative(body, "maxRecallLoss"));
                        }
                        gate.setAutoPromote(body.path("autoPromote").asBoolean(false));
                        String version = body.hasNonNull("version") ? body.get("version").asText() : null;
                        controller.start(to, version, gate.build());
                    }
                    case "/v1/deployment/promote" -> controller.promote("manual: upgrade promote");
                    case "/v1/deployment/abort" -> controller.abort();
                    case "/v1/deployment/rollback" -> controller.rollback();
                    case "/v1/deployment/finish" -> controller.finish();
                    default -> {
                        error(exchange, 404, "not_found", "no route " + method + " " + path);
                        return;
                    }
                }
                send(exchange, 200, status());
            } catch (IllegalStateException e) {
                error(exchange, 409, "conflict", e.getMessage());
            } catch (IllegalArgumentException e) {
                error(exchange, 400, "invalid_field", e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("control API: {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        }
    }

    /** The deployment, the serving alias, the last gate decision and (while shadowing) what promotion waits for. */
    ObjectNode status() throws IOException {
        ObjectNode out = JSON.createObjectNode();
        out.set("deployment", avro(controller.deployment()));
        out.put("alias", controller.aliasName());
        out.put("aliasTarget", controller.search().modelVersion());
        out.set("gate", controller.gate().map(ControlServer::avro).orElse(JSON.nullNode()));
        UpgradeController.Readiness r = controller.readiness();
        ObjectNode readiness = out.putObject("readiness");
        readiness.put("ready", r.ready());
        readiness.put("liveRows", r.liveRows());
        readiness.put("shadowRows", r.shadowRows());
        ObjectNode lags = readiness.putObject("lag");
        r.lagByGroup().forEach(lags::put);
        r.blockers().forEach(readiness.putArray("blockers")::add);
        return out;
    }

    private static JsonNode avro(SpecificRecord record) {
        try {
            return JSON.readTree(record.toString()); // Avro renders a record as JSON
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean authorized(HttpExchange exchange) throws IOException {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.startsWith("Bearer ") && MessageDigest.isEqual(
                header.substring(7).trim().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        if (RequestAuthorization.check(authenticator, header, Scope.ADMIN) instanceof RequestAuthorization.Refused refused) {
            refused.headers().forEach(exchange.getResponseHeaders()::set);
            error(exchange, refused.status(), refused.code(), refused.reason());
            return false;
        }
        return true;
    }

    private static double nonNegative(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 1) {
            throw new IllegalArgumentException("'" + field + "' must be a number in [0, 1], is " + v);
        }
        return v.asDouble();
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new IllegalArgumentException("request body over " + MAX_BODY + " bytes");
            }
            if (bytes.length == 0) {
                return JSON.createObjectNode();
            }
            try {
                JsonNode node = JSON.readTree(bytes);
                if (!node.isObject()) {
                    throw new IllegalArgumentException("request body must be a JSON object");
                }
                return node;
            } catch (IOException e) {
                throw new IllegalArgumentException("request body is not JSON: " + e.getMessage());
            }
        }
    }

    private static void error(HttpExchange exchange, int status, String code, String reason) throws IOException {
        send(exchange, status, JSON.createObjectNode().put("error", code).put("reason", reason));
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

}
