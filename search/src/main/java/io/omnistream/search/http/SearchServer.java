package io.omnistream.search.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.omnistream.milvus.search.SearchHit;
import io.omnistream.milvus.search.StoredItem;
import io.omnistream.runtime.auth.AuthResult;
import io.omnistream.runtime.auth.Authenticator;
import io.omnistream.runtime.auth.Authorization;
import io.omnistream.runtime.auth.Principal;
import io.omnistream.runtime.auth.Scope;
import io.omnistream.runtime.http.HttpTls;
import io.omnistream.schemas.tenant.Tenants;
import io.omnistream.search.TenantSearch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search HTTP API on the JDK's built-in server.
 *
 * <pre>
 * POST /v1/search      {"text": "...", "k": 10}   → 200 {"hits":[{"contentId","score"}...]}        scope search
 * GET  /v1/media/{id}                          → 200 {"contentId","modality","eventTimeMs"} | 404  scope search
 * GET  /healthz                                 → 200 (no credential: probes)
 * </pre>
 *
 * <p><b>A tenant searches only its own rows.</b> The tenant is the credential's ({@link Authenticator}); the search
 * is restricted to it by {@link TenantSearch} ({@code SemanticSearch}: Milvus partition-key filter), so no request
 * can name another tenant, and benchmark rows (their own reserved tenant) never appear. 401 without a valid
 * credential, 403 without scope {@code search}, 400 for a bad body, 429 when every worker is busy.
 *
 * <p>Bounded: {@code search.http.threads} workers and a queue of as many again; a request body of at most
 * {@value #MAX_BODY_BYTES} bytes; {@code k} and the query length bounded by configuration.
 */
public final class SearchServer implements AutoCloseable {
    /** Largest request body read, in bytes: a query and a k. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(SearchServer.class);

    private final SearchConfig config;
    private final TenantSearch search;
    private final Authenticator authenticator;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicInteger threadIds = new AtomicInteger();
    private HttpServer server;
    private ThreadPoolExecutor workers;

    public SearchServer(SearchConfig config, TenantSearch search, Authenticator authenticator) {
        this.config = Objects.requireNonNull(config, "config");
        this.search = Objects.requireNonNull(search, "search");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    }

    /** Binds and starts serving; {@link #port()} is valid afterwards. */
    public synchronized SearchServer start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        workers = new ThreadPoolExecutor(config.threads(), config.threads(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.threads()),
                r -> new Thread(r, "search-http-" + threadIds.incrementAndGet()),
                // full: the exchange is dropped and its connection closed by the server's timers; a search client
                // retries. Never run on the dispatcher thread, which must keep accepting.
                new ThreadPoolExecutor.DiscardPolicy());
        server = HttpTls.createServer(new InetSocketAddress(config.host(), config.port()), config.threads() * 2, config.tls());
        server.setExecutor(workers);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("search API listening on {}", baseUri());
        return this;
    }

    public int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getAddress().getPort();
    }

    public URI baseUri() {
        return URI.create((config.tls().isPresent() ? "https" : "http") + "://" + config.host() + ":" + port());
    }

    /** Stops accepting, lets running searches finish for up to 10 s. Idempotent. */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop(0);
        workers.shutdownNow();
        server = null;
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            switch (path) {
                case "/healthz" -> send(exchange, 200, json.createObjectNode().put("status", "ok"));
                case "/v1/search" -> {
                    if (!method.equals("POST")) {
                        exchange.getResponseHeaders().set("Allow", "POST");
                        error(exchange, 405, "method_not_allowed", method + " is not allowed here; use POST");
                    } else {
                        search(exchange);
                    }
                }
                default -> {
                    if (path.startsWith("/v1/media/") && path.length() > "/v1/media/".length()) {
                        if (!method.equals("GET")) {
                            exchange.getResponseHeaders().set("Allow", "GET");
                            error(exchange, 405, "method_not_allowed", method + " is not allowed here; use GET");
                        } else {
                            item(exchange, path.substring("/v1/media/".length()));
                        }
                    } else {
                        error(exchange, 404, "not_found", "no route " + method + " " + path);
                    }
                }
            }
        } catch (RuntimeException | IOException e) {
            LOG.error("search API: unexpected failure on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            try {
                error(exchange, 500, "internal_error", e.getClass().getSimpleName());
            } catch (IOException | RuntimeException ignored) {
                // headers already sent or the client gone
            }
        }
    }

    /** The credential's principal with scope search, or null after answering 401, 403 or 503. */
    private Principal searcher(HttpExchange exchange) throws IOException {
        AuthResult auth = authenticator.authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        if (auth instanceof AuthResult.Unauthenticated u) {
            exchange.getResponseHeaders().set("WWW-Authenticate", Authenticator.CHALLENGE);
            exchange.getResponseHeaders().set("Connection", "close");
            error(exchange, 401, "unauthenticated", u.reason());
            return null;
        }
        if (auth instanceof AuthResult.Unavailable u) {
            exchange.getResponseHeaders().set("Connection", "close");
            error(exchange, 503, "unavailable", u.reason());
            return null;
        }
        Principal principal = ((AuthResult.Authenticated) auth).principal();
        if (Authenticator.authorize(principal, Scope.SEARCH, null) instanceof Authorization.Forbidden f) {
            exchange.getResponseHeaders().set("Connection", "close");
            error(exchange, 403, "forbidden", f.reason());
            return null;
        }
        return principal;
    }

    /**
     * One stored item of the caller's tenant. Another tenant's item of the same id is never found (the lookup is by
     * the caller's record key): 404, saying nothing about whether some other tenant holds the id.
     */
    private void item(HttpExchange exchange, String rawId) throws IOException {
        Principal principal = searcher(exchange);
        if (principal == null) {
            return;
        }
        String contentId;
        try {
            contentId = Tenants.normalizeContentId(URLDecoder.decode(rawId.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            error(exchange, 400, "invalid_field", "content id in the path is not valid percent-encoding");
            return;
        }
        if (Tenants.utf8Length(contentId) > Tenants.MAX_CONTENT_ID_BYTES) {
            error(exchange, 400, "invalid_field", "content id is longer than " + Tenants.MAX_CONTENT_ID_BYTES + " bytes");
            return;
        }
        Optional<StoredItem> item = search.find(principal.tenant(), contentId);
        if (item.isEmpty()) {
            error(exchange, 404, "not_found", "no item '" + contentId + "' in this tenant");
            return;
        }
        send(exchange, 200, json.createObjectNode().put("contentId", item.get().contentId())
                .put("modality", item.get().modality()).put("eventTimeMs", item.get().eventTimeMs()));
    }

    private void search(HttpExchange exchange) throws IOException {
        Principal principal = searcher(exchange);
        if (principal == null) {
            return;
        }
        byte[] body = readBounded(exchange.getRequestBody());
        if (body == null) {
            exchange.getResponseHeaders().set("Connection", "close");
            error(exchange, 413, "payload_too_large", "request body over " + MAX_BODY_BYTES + " bytes");
            return;
        }
        JsonNode request;
        try {
            request = json.readTree(body);
        } catch (IOException e) {
            error(exchange, 400, "malformed_json", "body is not JSON");
            return;
        }
        if (request == null || !request.isObject() || !request.path("text").isTextual()) {
            error(exchange, 400, "invalid_field", "expected {\"text\": \"...\", \"k\": N}");
            return;
        }
        String text = request.get("text").asText();
        if (text.isBlank() || text.length() > config.maxQueryChars()) {
            error(exchange, 400, "invalid_field", "text must be 1.." + config.maxQueryChars() + " characters and not blank");
            return;
        }
        JsonNode kNode = request.path("k");
        int k = kNode.isMissingNode() ? 10 : kNode.canConvertToInt() && kNode.isIntegralNumber() ? kNode.asInt() : -1;
        if (k < 1 || k > config.maxK()) {
            error(exchange, 400, "invalid_field", "k must be an integer in [1, " + config.maxK() + "]");
            return;
        }
        List<SearchHit> hits = search.search(principal.tenant(), text, k);
        ObjectNode response = json.createObjectNode();
        ArrayNode array = response.putArray("hits");
        for (SearchHit h : hits) {
            array.addObject().put("contentId", h.contentId()).put("score", h.score());
        }
        send(exchange, 200, response);
    }

    /** The body, or null if it is longer than {@link #MAX_BODY_BYTES}. */
    private static byte[] readBounded(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        return bytes.length > MAX_BODY_BYTES ? null : bytes;
    }

    private void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        send(exchange, status, json.createObjectNode().put("error", code).put("message", message));
    }

    private void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
