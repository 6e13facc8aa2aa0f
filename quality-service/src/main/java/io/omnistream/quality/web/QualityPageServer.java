package io.omnistream.quality.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.omnistream.quality.metrics.PipelineMonitor;
import io.omnistream.quality.view.ActiveDriftAlerts;
import io.omnistream.quality.view.QualityMetricsView;
import io.omnistream.runtime.auth.AuthResult;
import io.omnistream.runtime.auth.Authenticator;
import io.omnistream.runtime.auth.Authorization;
import io.omnistream.runtime.auth.Scope;
import io.omnistream.runtime.http.HttpTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live quality page of the quality plane, on the JDK's built-in HTTP server, bound to the configured address
 * ({@code quality-service.web.host}: the loopback interface by default, all interfaces in the image).
 *
 * <pre>
 * GET /                 the page (index.html; app.js and style.css beside it), from the jar's {@value #STATIC_ROOT}
 * GET /api/quality      per task: quality series over epochs and windows ({@link QualityPageJson#quality})
 * GET /api/bias         modality-bias metrics, newest value per cell ({@link QualityPageJson#bias})
 * GET /api/alerts       active drift alerts ({@link QualityPageJson#alerts})
 * GET /api/pipeline     encoder events/s and consumer lag ({@link QualityPageJson#pipeline})
 * </pre>
 *
 * <p>Read-only: every answer is computed from in-memory views the plane keeps anyway, so a page polling every 2 s
 * costs no Kafka requests. JSON answers are {@code Cache-Control: no-store}; other methods than GET/HEAD get 405,
 * unknown paths 404. The static files are read once at start (a missing one fails the start, not a request).
 * Two worker threads: enough for a few open pages, and bounded.
 */
public final class QualityPageServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QualityPageServer.class);
    /** Classpath folder of the page's files. */
    public static final String STATIC_ROOT = "omnistream-web/";
    /** URL path → (file, content type). Only these are served: no path from a request ever reaches the classpath. */
    private static final Map<String, String[]> STATIC = Map.of(
            "/", new String[] {"index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {"app.js", "text/javascript; charset=utf-8"},
            "/style.css", new String[] {"style.css", "text/css; charset=utf-8"});
    private static final int THREADS = 2;
    private static final String LOOPBACK = "127.0.0.1";
    private static final String ANY = "0.0.0.0";

    private final HttpServer server;
    private final String host;
    private final ExecutorService workers;
    private final Map<String, byte[]> files;
    private final Map<String, Supplier<ObjectNode>> api;
    private final Authenticator authenticator;

    private QualityPageServer(HttpServer server, String host, ExecutorService workers, Map<String, byte[]> files,
                              Map<String, Supplier<ObjectNode>> api, Authenticator authenticator) {
        this.server = server;
        this.authenticator = authenticator;
        this.host = host;
        this.workers = workers;
        this.files = files;
        this.api = api;
    }

    /**
     * Starts serving on {@code host}:{@code port} (0 = a free port).
     *
     * @throws UncheckedIOException when the port cannot be bound or a static file is missing from the classpath
     */
    public static QualityPageServer start(String host, int port, QualityMetricsView quality, ActiveDriftAlerts alerts,
                                          PipelineMonitor pipeline, Authenticator authenticator,
                                          Optional<SSLContext> tls) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(quality, "quality");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(pipeline, "pipeline");
        Map<String, byte[]> files = new HashMap<>();
        for (String[] file : STATIC.values()) {
            files.computeIfAbsent(file[0], QualityPageServer::resource);
        }
        Map<String, Supplier<ObjectNode>> api = Map.of(
                "/api/quality", () -> QualityPageJson.quality(quality.latest()),
                "/api/bias", () -> QualityPageJson.bias(quality.latest()),
                "/api/alerts", () -> QualityPageJson.alerts(alerts.active(), alerts.activeForMs()),
                "/api/pipeline", () -> QualityPageJson.pipeline(pipeline.latest(), pipeline.interval().toMillis()));
        HttpServer server;
        try {
            server = HttpTls.createServer(new InetSocketAddress(host, port), 16, tls);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the quality page to " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService workers = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "quality-page");
            t.setDaemon(true);
            return t;
        });
        QualityPageServer page = new QualityPageServer(server, host, workers, files, api, authenticator);
        server.createContext("/", page::handle);
        server.setExecutor(workers);
        server.start();
        return page;
    }

    private static byte[] resource(String name) {
        try (InputStream in = QualityPageServer.class.getClassLoader().getResourceAsStream(STATIC_ROOT + name)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("missing from the classpath: " + STATIC_ROOT + name));
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!authorized(exchange)) {
                return;
            }
            String path = exchange.getRequestURI().getPath();
            Supplier<ObjectNode> json = api.get(path);
            if (json != null) {
                byte[] body;
                try {
                    body = json.get().toString().getBytes(StandardCharsets.UTF_8);
                } catch (RuntimeException e) {
                    LOG.warn("{} failed: {}", path, e.toString(), e);
                    send(exchange, 500, "application/json", ("{\"error\":\"" + e.getClass().getSimpleName() + "\"}")
                            .getBytes(StandardCharsets.UTF_8));
                    return;
                }
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                send(exchange, 200, "application/json", body);
                return;
            }
            String[] file = STATIC.get(path);
            if (file != null) {
                send(exchange, 200, file[1], files.get(file[0]));
                return;
            }
            send(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Whether the request carries a credential with scope {@code read-quality}; otherwise answers 401 (with both
     * challenges) or 403 and returns false. Besides {@code Bearer <key>}, HTTP Basic with the key as the password is
     * accepted: a browser opening the page asks for it with its own dialog and then sends it with every request of
     * the page (its JSON calls included), so the page needs no login code. The quality figures are the benchmark's,
     * not any user tenant's rows, so any tenant's credential with the scope may read them.
     */
    private boolean authorized(HttpExchange exchange) throws IOException {
        AuthResult auth = authenticator.authenticate(asBearer(exchange.getRequestHeaders().getFirst("Authorization")));
        if (auth instanceof AuthResult.Authenticated ok) {
            if (Authenticator.authorize(ok.principal(), Scope.READ_QUALITY, null) instanceof Authorization.Forbidden f) {
                send(exchange, 403, "text/plain; charset=utf-8", (f.reason() + "\n").getBytes(StandardCharsets.UTF_8));
                return false;
            }
            return true;
        }
        String reason = auth instanceof AuthResult.Unauthenticated u ? u.reason()
                : ((AuthResult.Unavailable) auth).reason();
        if (auth.httpStatus() == 401) {
            exchange.getResponseHeaders().add("WWW-Authenticate", Authenticator.CHALLENGE);
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"omnistream quality (password: API key)\"");
        }
        send(exchange, auth.httpStatus(), "text/plain; charset=utf-8", (reason + "\n").getBytes(StandardCharsets.UTF_8));
        return false;
    }

    /** {@code Basic base64(user:key)} as {@code Bearer key}; anything else unchanged. */
    static String asBearer(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return header;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : "Bearer " + decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return null; // not base64: no credential
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The page's address, e.g. {@code http://127.0.0.1:9401/} (the loopback address when bound to all interfaces). */
    public URI uri() {
        String address = ANY.equals(host) || "::".equals(host) ? LOOPBACK : host;
        String scheme = server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http";
        return URI.create(scheme + "://" + address + ":" + server.getAddress().getPort() + "/");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdown();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
