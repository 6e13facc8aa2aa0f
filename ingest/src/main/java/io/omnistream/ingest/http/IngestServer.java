package io.omnistream.ingest.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.omnistream.ingest.config.IngestConfig;
import io.omnistream.runtime.dedup.RecentlySeen;
import io.omnistream.ingest.produce.MediaEventPublisher;
import io.omnistream.ingest.quota.TenantQuotas;
import io.omnistream.ingest.validate.MediaRequestParser;
import io.omnistream.ingest.validate.MediaValidator;
import io.omnistream.ingest.validate.Rejection;
import io.omnistream.ingest.validate.RejectionReason;
import io.omnistream.ingest.validate.Validated;
import io.omnistream.runtime.auth.Authenticator;
import io.omnistream.runtime.auth.Principal;
import io.omnistream.runtime.auth.RequestAuthorization;
import io.omnistream.runtime.auth.Scope;
import io.omnistream.runtime.http.HttpTls;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.tenant.Tenants;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest HTTP API on the JDK's built-in server.
 *
 * <pre>
 * POST   /v1/media          one JSON object      → 202 accepted | 200 duplicate | 4xx/5xx {"error","message"}  scope ingest
 * POST   /v1/media:batch    JSON array or NDJSON → 200 {"results":[...],"accepted","duplicates","rejected"}  scope ingest
 * DELETE /v1/media/{id}     tombstone            → 202 {"contentId","status":"deleted"}                     scope delete
 * GET    /healthz           liveness             → 200 (no credential: probes)
 * GET    /readyz            broker reachable     → 200 | 503 (no credential: probes)
 * </pre>
 *
 * <p><b>Who may do what.</b> Every {@code /v1} request needs {@code Authorization: Bearer <API key or token>}
 * ({@link Authenticator}): 401 without a valid one, 403 without the route's scope. The tenant of every item is the
 * credential's, never the body's, and ids are the tenant's own ({@code Tenants#recordKey}): a credential of tenant B
 * can neither overwrite nor delete tenant A's content, whatever ids it sends. The body is not read before the
 * credential is checked.
 *
 * <p><b>Fair share.</b> Per tenant a request rate and a number of requests in progress ({@link TenantQuotas}): over
 * either, 429 with {@code Retry-After}. A full worker pool is also 429 (load shed, retry shortly); 503 means the
 * platform itself cannot serve (broker unavailable, shutting down). Slow clients are cut off by the process-wide read
 * and write limits ({@code HttpTimeouts}, installed by the service shell or the embedded stack before any server).
 *
 * <p><b>Guarantees.</b> 202 is sent only after the broker acknowledged the record (acks=all), so an accepted item is
 * durable. 4xx means nothing was produced for that item. 503 (with {@code Retry-After} in seconds) means retry;
 * nothing or (rarely, if the ack was lost) the record was produced, which the content-id key makes harmless.
 *
 * <p><b>Bounded resources.</b> {@code ingest.http.threads} workers with a queue of {@code ingest.http.queue}
 * requests. When both are full the request is handed to one shedding thread that answers 429 without reading its
 * body (never to the server's dispatcher thread, which must keep accepting); when that one's small queue is full too,
 * the connection is closed unanswered. Each worker buffers at most {@code ingest.max-request-bytes}.
 *
 * <p>The server does not own the publisher: {@link #close()} flushes it, its creator closes it.
 */
public final class IngestServer implements AutoCloseable {
    /**
     * How much of a refused over-long body is read and dropped, in multiples of {@code ingest.max-request-bytes}, so
     * that a client sending a body a few times over the limit still receives the 413 (see rejectUnreadBody).
     */
    static final long LINGER_FACTOR = 4;
    private static final Logger LOG = LoggerFactory.getLogger(IngestServer.class);
    private static final String MEDIA = "/v1/media";
    private static final String BATCH = "/v1/media:batch";
    private static final int RETRY_AFTER_SECONDS = 1;
    /** Requests waiting for the shedding thread; beyond it a connection is closed unanswered. */
    private static final int SHED_QUEUE = 256;
    /** True on the shedding thread, which answers every request 429 without reading it. */
    private static final ThreadLocal<Boolean> SHEDDING = ThreadLocal.withInitial(() -> false);

    private final IngestConfig config;
    private final MediaEventPublisher publisher;
    private final IngestMetrics metrics;
    private final MediaRequestParser parser;
    private final MediaValidator validator;
    private final MediaIngestion ingestion;
    private final Authenticator authenticator;
    private final TenantQuotas quotas;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicInteger workerIds = new AtomicInteger();
    private HttpServer server;
    private ThreadPoolExecutor workers;
    private ThreadPoolExecutor shedder;
    private volatile boolean closed;

    /**
     * @param authenticator checks the {@code Authorization} header of every {@code /v1} request
     */
    public IngestServer(IngestConfig config, MediaEventPublisher publisher, PrometheusRegistry registry,
                        Authenticator authenticator) {
        this.config = config;
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.quotas = new TenantQuotas(config.tenantRequestsPerSecond(), config.tenantBurst(),
                config.tenantMaxConcurrent(), System::nanoTime);
        this.publisher = publisher;
        this.metrics = new IngestMetrics(registry);
        this.parser = new MediaRequestParser(config.maxRequestBytes(), config.maxBatchItems());
        this.validator = new MediaValidator(config);
        this.ingestion = new MediaIngestion(publisher, new RecentlySeen(config.dedupCapacity()), metrics, config.produceTimeout());
    }

    /** Binds and starts serving; {@link #port()} is valid afterwards (the real port when 0 was configured). */
    public synchronized IngestServer start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        // The shedding thread answers what the workers cannot take. Its own overflow is dropped: the exchange never
        // runs, and the server's timers close the connection; the dispatcher thread never runs a handler.
        shedder = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(SHED_QUEUE),
                r -> new Thread(() -> {
                    SHEDDING.set(true);
                    r.run();
                }, "ingest-http-shed"),
                (task, pool) -> metrics.rejected(RejectionReason.RATE_LIMITED));
        workers = new ThreadPoolExecutor(config.httpThreads(), config.httpThreads(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.httpQueue()),
                r -> new Thread(r, "ingest-http-" + workerIds.incrementAndGet()),
                (task, pool) -> shedder.execute(task));
        server = HttpTls.createServer(new InetSocketAddress(config.httpHost(), config.httpPort()), config.httpQueue(),
                config.tls());
        server.setExecutor(workers);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("ingest API listening on {}", baseUri());
        return this;
    }

    public int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getAddress().getPort();
    }

    /** Requests waiting for a worker (for tests and diagnostics). */
    int queuedRequests() {
        return workers == null ? 0 : workers.getQueue().size();
    }

    /** e.g. {@code http://127.0.0.1:8080}, or {@code https://...} when TLS is configured ({@code http.tls.*}) */
    public URI baseUri() {
        return URI.create((config.tls().isPresent() ? "https" : "http") + "://" + config.httpHost() + ":" + port());
    }

    /**
     * Stops taking requests (new ones get 503 overloaded), lets queued and running requests finish for up to the
     * produce timeout, closes the listener and flushes the publisher. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (server == null || closed) {
            closed = true;
            return;
        }
        closed = true;
        workers.shutdown();
        try {
            if (!workers.awaitTermination(config.produceTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
                LOG.warn("ingest API: requests still running after the drain period; closing anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop(0);
        workers.shutdownNow();
        shedder.shutdownNow();
        publisher.flush();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            if (SHEDDING.get() || closed) {
                exchange.getResponseHeaders().set("Connection", "close"); // the body was not read
                reject(exchange, closed ? new Rejection(RejectionReason.OVERLOADED, "server is shutting down")
                        : new Rejection(RejectionReason.RATE_LIMITED, "all workers busy; retry later"));
                return;
            }
            route(exchange);
        } catch (RuntimeException | IOException e) {
            // a bug or a broken connection: never let it escape, the JDK server would drop the connection silently
            LOG.error("ingest API: unexpected failure on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            try {
                sendError(exchange, new Rejection(RejectionReason.INTERNAL_ERROR, e.getClass().getSimpleName()));
            } catch (IOException | RuntimeException ignored) {
                // headers may already be sent or the client gone; the connection is closed by try-with-resources
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        switch (path) {
            case MEDIA -> {
                if (allowed(exchange, method, "POST")) {
                    asTenant(exchange, Scope.INGEST, tenant -> postSingle(exchange, tenant));
                }
            }
            case BATCH -> {
                if (allowed(exchange, method, "POST")) {
                    asTenant(exchange, Scope.INGEST, tenant -> postBatch(exchange, tenant));
                }
            }
            case "/healthz" -> {
                if (allowed(exchange, method, "GET")) {
                    send(exchange, 200, json.createObjectNode().put("status", "ok"));
                }
            }
            case "/readyz" -> {
                if (allowed(exchange, method, "GET")) {
                    boolean ready = publisher.ready(config.readyTimeout());
                    send(exchange, ready ? 200 : 503, json.createObjectNode().put("status", ready ? "ready" : "not_ready")
                            .put("topic", config.topic()));
                }
            }
            default -> {
                if (path.startsWith(MEDIA + "/") && path.length() > MEDIA.length() + 1) {
                    if (allowed(exchange, method, "DELETE")) {
                        asTenant(exchange, Scope.DELETE, tenant -> delete(exchange, tenant, path.substring(MEDIA.length() + 1)));
                    }
                } else {
                    reject(exchange, new Rejection(RejectionReason.NOT_FOUND, "no route " + method + " " + path));
                }
            }
        }
    }

    /** A request handler acting as one tenant. */
    private interface TenantHandler {
        void handle(String tenant) throws IOException;
    }

    /**
     * Authenticates the request, checks {@code scope} and the tenant's quotas, then runs {@code handler} as the
     * credential's tenant; otherwise answers 401, 403, 429 or 503 without reading the body.
     */
    private void asTenant(HttpExchange exchange, Scope scope, TenantHandler handler) throws IOException {
        RequestAuthorization.Outcome outcome = RequestAuthorization.check(authenticator,
                exchange.getRequestHeaders().getFirst("Authorization"), scope);
        if (outcome instanceof RequestAuthorization.Refused refused) {
            refused.headers().forEach(exchange.getResponseHeaders()::set);
            RejectionReason reason = switch (refused.status()) {
                case 401 -> RejectionReason.UNAUTHENTICATED;
                case 403 -> RejectionReason.FORBIDDEN;
                default -> RejectionReason.UNAVAILABLE;
            };
            reject(exchange, new Rejection(reason, refused.reason()));
            return;
        }
        Principal principal = ((RequestAuthorization.Allowed) outcome).principal();
        TenantQuotas.Admission admission = quotas.admit(principal.tenant());
        if (admission instanceof TenantQuotas.Refused refused) {
            exchange.getResponseHeaders().set("Retry-After", Long.toString(refused.retryAfterSeconds()));
            exchange.getResponseHeaders().set("Connection", "close");
            metrics.rejected(RejectionReason.RATE_LIMITED);
            send(exchange, RejectionReason.RATE_LIMITED.httpStatus(), json.createObjectNode()
                    .put("error", RejectionReason.RATE_LIMITED.code()).put("message", refused.reason()));
            return;
        }
        try (TenantQuotas.Permit permit = (TenantQuotas.Permit) admission) {
            handler.handle(principal.tenant());
        }
    }

    private boolean allowed(HttpExchange exchange, String method, String expected) throws IOException {
        if (method.equals(expected)) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", expected);
        reject(exchange, new Rejection(RejectionReason.METHOD_NOT_ALLOWED, method + " is not allowed here; use " + expected));
        return false;
    }

    private byte[] readBody(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        long length = -1;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = -1; // the JDK server rejects malformed lengths itself; fall back to the bounded read
            }
        }
        return BoundedBody.read(exchange.getRequestBody(), length, config.maxRequestBytes());
    }

    /** The request body within the size limit, or null after answering 413 for a larger one. */
    private byte[] readBodyOrReject(HttpExchange exchange) throws IOException {
        try {
            return readBody(exchange);
        } catch (BoundedBody.TooLargeException e) {
            rejectUnreadBody(exchange, e);
            return null;
        }
    }

    private void postSingle(HttpExchange exchange, String tenant) throws IOException {
        byte[] body = readBodyOrReject(exchange);
        if (body == null) {
            return;
        }
        MediaRequestParser.Item item = parser.parseSingle(body);
        body = null; // let the base64 text go before the payload is decoded
        if (!item.ok()) {
            reject(exchange, item.rejection());
            return;
        }
        Validated validated = validator.validate(item.request(), tenant, "http");
        if (validated instanceof Validated.Rejected r) {
            reject(exchange, r.rejection());
            return;
        }
        MediaEvent event = ((Validated.Accepted) validated).event();
        ItemResult result = ingestion.ingest(List.of(event)).get(0);
        if (result.status() == ItemResult.Status.REJECTED) {
            sendError(exchange, result.rejection());
        } else {
            send(exchange, result.httpStatus(), resultJson(result, -1));
        }
    }

    private void postBatch(HttpExchange exchange, String tenant) throws IOException {
        byte[] body = readBodyOrReject(exchange);
        if (body == null) {
            return;
        }
        String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")).toLowerCase(Locale.ROOT);
        boolean ndjson = contentType.contains("ndjson") || contentType.contains("jsonl") || contentType.contains("json-seq");
        MediaRequestParser.Batch batch = parser.parseBatch(body, ndjson);
        body = null;
        if (batch.rejection() != null) {
            reject(exchange, batch.rejection());
            return;
        }
        int n = batch.items().size();
        ItemResult[] results = new ItemResult[n];
        List<MediaEvent> toIngest = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            MediaRequestParser.Item item = batch.items().get(i);
            Validated v = item.ok() ? validator.validate(item.request(), tenant, "http") : new Validated.Rejected(item.rejection());
            if (v instanceof Validated.Accepted a) {
                toIngest.add(a.event());
                positions.add(i);
            } else {
                Rejection rejection = ((Validated.Rejected) v).rejection();
                metrics.rejected(rejection.reason());
                results[i] = ItemResult.rejected(item.ok() ? item.request().contentId() : null, rejection);
            }
        }
        List<ItemResult> ingested = ingestion.ingest(toIngest);
        for (int k = 0; k < ingested.size(); k++) {
            results[positions.get(k)] = ingested.get(k);
        }
        ObjectNode response = json.createObjectNode();
        ArrayNode array = response.putArray("results");
        int accepted = 0;
        int duplicates = 0;
        int rejected = 0;
        boolean retryable = false;
        for (int i = 0; i < n; i++) {
            ItemResult r = results[i];
            array.add(resultJson(r, i));
            switch (r.status()) {
                case ACCEPTED -> accepted++;
                case DUPLICATE -> duplicates++;
                default -> {
                    rejected++;
                    retryable |= r.rejection().reason().retryable();
                }
            }
        }
        response.put("accepted", accepted).put("duplicates", duplicates).put("rejected", rejected);
        if (retryable) {
            exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
        send(exchange, 200, response);
    }

    private void delete(HttpExchange exchange, String tenant, String rawId) throws IOException {
        String contentId;
        try {
            contentId = URLDecoder.decode(rawId.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            reject(exchange, new Rejection(RejectionReason.INVALID_FIELD, "content id in the path is not valid percent-encoding"));
            return;
        }
        Rejection invalidId = validator.checkContentId(contentId, tenant);
        if (invalidId != null) {
            reject(exchange, invalidId);
            return;
        }
        contentId = Tenants.normalizeContentId(contentId);
        ItemResult result = ingestion.delete(tenant, contentId);
        if (result.status() == ItemResult.Status.REJECTED) {
            sendError(exchange, result.rejection());
        } else {
            send(exchange, result.httpStatus(), json.createObjectNode().put("contentId", contentId).put("status", "deleted"));
        }
    }

    private ObjectNode resultJson(ItemResult r, int index) {
        ObjectNode node = json.createObjectNode();
        if (index >= 0) {
            node.put("index", index);
        }
        node.put("contentId", r.contentId());
        if (r.status() == ItemResult.Status.REJECTED) {
            node.put("status", "rejected");
            node.put("httpStatus", r.httpStatus());
            node.put("error", r.rejection().code());
            node.put("message", r.rejection().message());
            return node;
        }
        node.put("status", r.status() == ItemResult.Status.DUPLICATE ? "duplicate" : "accepted");
        if (index >= 0) {
            node.put("httpStatus", r.httpStatus());
        }
        node.put("duplicate", r.status() == ItemResult.Status.DUPLICATE);
        node.put("contentHash", r.contentHash());
        node.put("mimeType", r.mimeType());
        return node;
    }

    /**
     * The rest of the body was never read, so the connection cannot carry another request: tell the client to close
     * it (otherwise a pooling client reuses it and its next request is reset).
     */
    private void rejectUnreadBody(HttpExchange exchange, BoundedBody.TooLargeException e) throws IOException {
        // Lingering close: discard (never buffer) up to LINGER_FACTOR x max-request-bytes of the body first. Closing a
        // socket with unread input makes TCP send a reset, and the client would lose the 413 and see "connection
        // reset" (whether the kernel's buffers happen to absorb the rest decides, so it is a race). A body larger
        // than that still gets the reset: the server's bandwidth is bounded too.
        BoundedBody.discard(exchange.getRequestBody(), LINGER_FACTOR * config.maxRequestBytes());
        exchange.getResponseHeaders().set("Connection", "close");
        reject(exchange, new Rejection(RejectionReason.PAYLOAD_TOO_LARGE, e.getMessage()));
    }

    /** Counts the rejection, then answers it. */
    private void reject(HttpExchange exchange, Rejection rejection) throws IOException {
        metrics.rejected(rejection.reason());
        sendError(exchange, rejection);
    }

    /** Answers a rejection already counted. */
    private void sendError(HttpExchange exchange, Rejection rejection) throws IOException {
        if (rejection.reason().retryable()) {
            exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
        send(exchange, rejection.httpStatus(), json.createObjectNode().put("error", rejection.code())
                .put("message", rejection.message()));
    }

    private void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
