package io.omnistream.encoder.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.runtime.error.FailureKind;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.Modality;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fetch protocol rules against a real HTTP server on loopback (plain http, so {@code allow-http} and
 * {@code allow-private-addresses} are on and only {@code localhost} is allow-listed): redirects re-checked, status
 * classes, declared and sniffed types, size bounds. TLS, trust and time budgets are covered by MediaFetcherIT.
 */
class MediaFetcherTest {
    /** A 2x2 PNG written by the JDK's PNG encoder. */
    private static final byte[] PNG = png();

    private HttpServer server;
    private int port;
    /** Headers the server saw, per path. */
    private final Map<String, String> hostHeaders = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        port = server.getAddress().getPort();
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        hostHeaders.put(path, String.valueOf(ex.getRequestHeaders().getFirst("Host")));
        switch (path) {
            case "/a.png" -> send(ex, 200, "image/png", PNG);
            case "/chunked.png" -> {
                ex.getResponseHeaders().set("Content-Type", "image/png");
                ex.sendResponseHeaders(200, 0); // 0 = chunked
                try (OutputStream out = ex.getResponseBody()) {
                    for (byte b : PNG) {
                        out.write(b);
                        out.flush();
                    }
                }
            }
            case "/to-a" -> redirect(ex, 302, "/a.png");
            case "/to-other-host" -> redirect(ex, 301, "http://127.0.0.1:" + port + "/a.png");
            case "/to-metadata" -> redirect(ex, 307, "http://169.254.169.254/latest/meta-data/");
            case "/to-file" -> redirect(ex, 302, "file:///etc/passwd");
            case "/to-userinfo" -> redirect(ex, 308, "http://user:pw@localhost:" + port + "/a.png");
            case "/loop" -> redirect(ex, 302, "/loop");
            case "/no-location" -> send(ex, 302, "text/plain", new byte[0]);
            case "/html-as-png" -> send(ex, 200, "image/png", "<html><body>hi</body></html>".getBytes(StandardCharsets.UTF_8));
            case "/png-as-html" -> send(ex, 200, "text/html", PNG);
            case "/png-untyped" -> send(ex, 200, null, PNG);
            case "/playlist" -> send(ex, 200, "video/mp4", "#EXTM3U\n#EXT-X-VERSION:3\nfile:///etc/passwd\n"
                    .getBytes(StandardCharsets.UTF_8));
            case "/busy" -> {
                ex.getResponseHeaders().set("Retry-After", "7");
                send(ex, 429, "text/plain", new byte[0]);
            }
            case "/down" -> send(ex, 503, "text/plain", new byte[0]);
            case "/gone" -> send(ex, 410, "text/plain", new byte[0]);
            default -> send(ex, 404, "text/plain", new byte[0]);
        }
    }

    private static byte[] png() {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(2, 2, java.awt.image.BufferedImage.TYPE_INT_RGB),
                    "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            ex.getResponseHeaders().set("Content-Type", contentType);
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static void redirect(HttpExchange ex, int status, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        send(ex, status, "text/plain", new byte[0]);
    }

    private MediaFetcher fetcher(long maxBytes, int maxRedirects) {
        return new MediaFetcher(new FetchSettings(HostAllowList.parse("localhost"), true, true, maxBytes,
                Duration.ofSeconds(5), Duration.ofSeconds(30), maxRedirects, null, null));
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private String permanentReason(MediaFetcher fetcher, String path, Modality modality) {
        Throwable t = catchThrowable(() -> fetcher.fetch(url(path), modality));
        assertThat(t).as(path).isInstanceOf(PermanentFailureException.class);
        assertThat(FailureClassifier.classify(t)).isEqualTo(FailureKind.PERMANENT);
        assertThat(FailureClassifier.stageOf(t, "?")).isEqualTo("fetch");
        return t.getMessage();
    }

    private Throwable transientFailure(String path) {
        Throwable t = catchThrowable(() -> fetcher(1 << 20, 3).fetch(url(path), Modality.IMAGE));
        assertThat(t).as(path).isInstanceOf(UncheckedIOException.class);
        assertThat(FailureClassifier.classify(t)).isEqualTo(FailureKind.TRANSIENT);
        return t;
    }

    @Test
    void fetchesAnImageWithContentLengthOrChunked() {
        FetchedMedia media = fetcher(1 << 20, 3).fetch(url("/a.png"), Modality.IMAGE);
        assertThat(media.bytes()).isEqualTo(PNG);
        assertThat(media.mimeType()).isEqualTo("image/png");
        assertThat(media.redirects()).isZero();
        assertThat(hostHeaders.get("/a.png")).isEqualTo("localhost:" + port);
        assertThat(fetcher(1 << 20, 3).fetch(url("/chunked.png"), Modality.IMAGE).bytes()).isEqualTo(PNG);
    }

    @Test
    void followsARedirectToAnAllowedUri() {
        FetchedMedia media = fetcher(1 << 20, 3).fetch(url("/to-a"), Modality.IMAGE);
        assertThat(media.bytes()).isEqualTo(PNG);
        assertThat(media.redirects()).isEqualTo(1);
        assertThat(media.finalUri().toString()).isEqualTo(url("/a.png"));
    }

    @Test
    void redirectsAreRecheckedAgainstTheSameRules() {
        MediaFetcher fetcher = fetcher(1 << 20, 3);
        assertThat(permanentReason(fetcher, "/to-other-host", Modality.IMAGE)).contains("redirect 301")
                .contains("host 127.0.0.1 is not in encoder.fetch.allowed-hosts");
        assertThat(permanentReason(fetcher, "/to-metadata", Modality.IMAGE)).contains("redirect 307")
                .contains("host 169.254.169.254 is not in encoder.fetch.allowed-hosts");
        assertThat(permanentReason(fetcher, "/to-file", Modality.IMAGE)).contains("file: URIs are never fetched");
        assertThat(permanentReason(fetcher, "/to-userinfo", Modality.IMAGE)).contains("user info")
                .doesNotContain("pw@");
        assertThat(hostHeaders).doesNotContainKey("/latest/meta-data/");
    }

    @Test
    void redirectsAreBounded() {
        assertThat(permanentReason(fetcher(1 << 20, 3), "/loop", Modality.IMAGE))
                .contains("more than 3 redirects (encoder.fetch.max-redirects)");
        assertThat(permanentReason(fetcher(1 << 20, 0), "/to-a", Modality.IMAGE)).contains("more than 0 redirects");
        assertThat(permanentReason(fetcher(1 << 20, 3), "/no-location", Modality.IMAGE)).contains("without a Location");
    }

    @Test
    void sizeIsBoundedByContentLengthAndByTheRead() {
        assertThat(permanentReason(fetcher(PNG.length - 1, 3), "/a.png", Modality.IMAGE))
                .contains("Content-Length " + PNG.length + " bytes is over encoder.fetch.max-bytes (" + (PNG.length - 1));
        assertThat(permanentReason(fetcher(PNG.length - 1, 3), "/chunked.png", Modality.IMAGE))
                .contains("over encoder.fetch.max-bytes");
        assertThat(fetcher(PNG.length, 3).fetch(url("/a.png"), Modality.IMAGE).bytes()).hasSize(PNG.length);
    }

    @Test
    void declaredAndSniffedTypesMustBeTheModalitys() {
        MediaFetcher fetcher = fetcher(1 << 20, 3);
        assertThat(permanentReason(fetcher, "/png-as-html", Modality.IMAGE)).contains("Content-Type 'text/html'")
                .contains("not IMAGE media");
        assertThat(permanentReason(fetcher, "/png-untyped", Modality.IMAGE)).contains("no Content-Type");
        assertThat(permanentReason(fetcher, "/html-as-png", Modality.IMAGE)).contains("of no known media format");
        assertThat(permanentReason(fetcher, "/a.png", Modality.AUDIO)).contains("Content-Type 'image/png'");
        assertThat(permanentReason(fetcher, "/playlist", Modality.VIDEO)).contains("of no known media format");
    }

    @Test
    void clientErrorsArePermanentServerErrorsAndRateLimitsTransient() {
        assertThat(permanentReason(fetcher(1 << 20, 3), "/missing.png", Modality.IMAGE)).contains("HTTP 404");
        assertThat(permanentReason(fetcher(1 << 20, 3), "/gone", Modality.IMAGE)).contains("HTTP 410");
        assertThat(transientFailure("/down").getMessage()).contains("HTTP 503");
        assertThat(transientFailure("/busy").getMessage()).contains("HTTP 429").contains("Retry-After 7");
    }

    @Test
    void aRefusedConnectionIsTransient() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Throwable t = catchThrowable(() -> fetcher(1 << 20, 3).fetch("http://localhost:" + closedPort + "/a.png",
                Modality.IMAGE));
        assertThat(t).isInstanceOf(UncheckedIOException.class);
        assertThat(FailureClassifier.classify(t)).isEqualTo(FailureKind.TRANSIENT);
    }
}
