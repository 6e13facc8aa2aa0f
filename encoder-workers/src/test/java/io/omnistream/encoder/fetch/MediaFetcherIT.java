package io.omnistream.encoder.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.omnistream.encoder.media.ImageDecoder;
import io.omnistream.encoder.media.ImageSettings;
import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.runtime.error.FailureKind;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.Modality;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MediaFetcher} against a real HTTPS server on loopback ({@link LocalHttpsServer}: JDK {@code HttpsServer})
 * whose certificate, for the name {@code localhost} only, is generated with BouncyCastle and trusted through a PKCS12
 * trust store file ({@code encoder.fetch.truststore}). The allow-list names {@code localhost}; loopback is reachable only because
 * {@code encoder.fetch.allow-private-addresses} is on. The image is a real COCO photo (shared/data/coco-mini); its
 * expected size comes from the COCO annotations, not from the code under test.
 */
class MediaFetcherIT {
    private static final String IMAGE = "000000000139.jpg";

    @TempDir
    static Path dir;
    private static LocalHttpsServer server;
    private static final CountDownLatch STOPPING = new CountDownLatch(1);
    private static int port;
    private static byte[] jpeg;
    private static Path truststore;

    @BeforeAll
    static void start() throws Exception {
        Path photo = Path.of(System.getProperty("omnistream.shared.dir", "../shared"), "data", "coco-mini", "val2017", IMAGE);
        Assumptions.assumeTrue(Files.exists(photo), "real data not found at " + photo);
        jpeg = Files.readAllBytes(photo);
        server = new LocalHttpsServer(dir).handle("/", MediaFetcherIT::handle);
        port = server.port();
        truststore = server.truststore();
    }

    @AfterAll
    static void stop() {
        STOPPING.countDown();
        if (server != null) {
            server.close();
        }
    }

    private static void handle(HttpExchange ex) throws IOException {
        switch (ex.getRequestURI().getPath()) {
            case "/photo.jpg" -> send(ex, "image/jpeg", jpeg);
            case "/photo-as-octets" -> send(ex, "application/octet-stream", jpeg);
            case "/to-photo" -> redirect(ex, "/photo.jpg");
            case "/to-ip" -> redirect(ex, "https://127.0.0.1:" + port + "/photo.jpg");
            case "/to-plain-http" -> redirect(ex, "http://localhost:" + port + "/photo.jpg");
            case "/slow.jpg" -> {
                // a server that keeps the connection alive by sending one byte every 200 ms: only the total budget ends it
                ex.getResponseHeaders().set("Content-Type", "image/jpeg");
                ex.sendResponseHeaders(200, jpeg.length);
                try (OutputStream out = ex.getResponseBody()) {
                    for (byte b : jpeg) {
                        out.write(b);
                        out.flush();
                        if (STOPPING.await(200, TimeUnit.MILLISECONDS)) {
                            return;
                        }
                    }
                } catch (IOException clientGone) {
                    // expected: the fetcher gives up at its deadline and closes the connection
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            case "/silent.jpg" -> {
                // accepts the request and never answers
                try {
                    STOPPING.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ex.close();
            }
            default -> {
                ex.sendResponseHeaders(404, -1);
                ex.close();
            }
        }
    }

    private static void send(HttpExchange ex, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private static MediaFetcher fetcher(String hosts, long maxBytes, Duration timeout, Path trust) {
        return new MediaFetcher(new FetchSettings(HostAllowList.parse(hosts), false, true, maxBytes,
                Duration.ofSeconds(5), timeout, 3, trust == null ? null : trust.toString(),
                trust == null ? null : LocalHttpsServer.TRUSTSTORE_PASSWORD));
    }

    private static MediaFetcher fetcher() {
        return fetcher("localhost", 20L << 20, Duration.ofSeconds(30), truststore);
    }

    private static String url(String path) {
        return "https://localhost:" + port + path;
    }

    private static String permanentReason(MediaFetcher fetcher, String path) {
        Throwable t = catchThrowable(() -> fetcher.fetch(url(path), Modality.IMAGE));
        assertThat(t).as(path).isInstanceOf(PermanentFailureException.class);
        assertThat(FailureClassifier.classify(t)).isEqualTo(FailureKind.PERMANENT);
        return t.getMessage();
    }

    @Test
    void fetchesARealPhotoOverHttpsAndItDecodes() throws Exception {
        FetchedMedia media = fetcher().fetch(url("/photo.jpg"), Modality.IMAGE);
        assertThat(media.bytes()).isEqualTo(jpeg);
        assertThat(media.mimeType()).isEqualTo("image/jpeg");

        JsonNode coco = new ObjectMapper().readTree(Path.of(System.getProperty("omnistream.shared.dir", "../shared"),
                "data", "coco-mini", "annotations", "captions_val2017.json").toFile());
        JsonNode entry = null;
        for (JsonNode image : coco.path("images")) {
            if (image.path("file_name").asText().equals(IMAGE)) {
                entry = image;
            }
        }
        assertThat(entry).as("COCO annotation of " + IMAGE).isNotNull();
        BufferedImage decoded = ImageDecoder.decode(media.bytes(), ImageSettings.DEFAULT);
        assertThat(decoded.getWidth()).isEqualTo(entry.path("width").asInt());
        assertThat(decoded.getHeight()).isEqualTo(entry.path("height").asInt());
    }

    @Test
    void followsARedirectOnTheSameAllowedHost() {
        FetchedMedia media = fetcher().fetch(url("/to-photo"), Modality.IMAGE);
        assertThat(media.bytes()).isEqualTo(jpeg);
        assertThat(media.redirects()).isEqualTo(1);
    }

    @Test
    void refusesAnOversizeBodyFromItsContentLength() {
        assertThat(permanentReason(fetcher("localhost", jpeg.length - 1, Duration.ofSeconds(30), truststore),
                "/photo.jpg")).isEqualTo("Content-Length " + jpeg.length + " bytes is over encoder.fetch.max-bytes ("
                + (jpeg.length - 1) + " bytes) fetching " + url("/photo.jpg"));
    }

    @Test
    void refusesARedirectToAHostOffTheAllowList() {
        assertThat(permanentReason(fetcher(), "/to-ip")).contains("redirect 302 from " + url("/to-ip") + " refused")
                .contains("host 127.0.0.1 is not in encoder.fetch.allowed-hosts [localhost]");
        assertThat(permanentReason(fetcher(), "/to-plain-http")).contains("scheme http is not allowed");
    }

    @Test
    void refusesAWrongContentType() {
        assertThat(permanentReason(fetcher(), "/photo-as-octets"))
                .contains("declares Content-Type 'application/octet-stream'").contains("not IMAGE media");
    }

    @Test
    void aSlowServerRunsIntoTheTimeBudget() {
        MediaFetcher fetcher = fetcher("localhost", 20L << 20, Duration.ofMillis(1500), truststore);
        assertThat(permanentReason(fetcher, "/slow.jpg")).contains("the time budget ran out reading the response")
                .contains("encoder.fetch.timeout 1500 ms");
        assertThat(permanentReason(fetcher, "/silent.jpg")).contains("the time budget ran out");
    }

    @Test
    void notFoundIsPermanent() {
        assertThat(permanentReason(fetcher(), "/nothing.jpg")).contains("HTTP 404");
    }

    @Test
    void theServerCertificateIsVerified() {
        // default JVM trust: the self-signed certificate is not trusted
        Throwable untrusted = catchThrowable(() -> fetcher("localhost", 20L << 20, Duration.ofSeconds(30), null)
                .fetch(url("/photo.jpg"), Modality.IMAGE));
        assertThat(untrusted).isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(SSLHandshakeException.class);
        assertThat(FailureClassifier.classify(untrusted)).isEqualTo(FailureKind.TRANSIENT);
        // trusted certificate, but issued to localhost, not to 127.0.0.1: the name check refuses it
        Throwable wrongName = catchThrowable(() -> fetcher("127.0.0.1", 20L << 20, Duration.ofSeconds(30), truststore)
                .fetch("https://127.0.0.1:" + port + "/photo.jpg", Modality.IMAGE));
        assertThat(wrongName).isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(SSLHandshakeException.class);
        assertThat(wrongName.getCause()).hasMessageContaining("127.0.0.1");
    }
}
