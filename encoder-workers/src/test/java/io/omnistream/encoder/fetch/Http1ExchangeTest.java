package io.omnistream.encoder.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.runtime.error.FailureKind;
import io.omnistream.runtime.error.PermanentFailureException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/1.1 reader against a real socket on loopback that answers with hand-written bytes: what a hostile or broken
 * server can send (oversize heads, conflicting lengths, unknown encodings, bodies that never end), and what the
 * request looks like on the wire.
 */
class Http1ExchangeTest {

    /** Serves one connection with {@code response}; completes with the request the client sent. */
    private static CompletableFuture<String> serveOnce(ServerSocket server, byte[] response) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                StringBuilder request = new StringBuilder();
                while (!request.toString().endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    request.append((char) b);
                }
                OutputStream out = s.getOutputStream();
                out.write(response);
                out.flush();
                return request.toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static Object exchange(String response, long maxBytes) throws Exception {
        return exchange(response.getBytes(StandardCharsets.ISO_8859_1), maxBytes);
    }

    /** The Response, or the exception the exchange threw. */
    private static Object exchange(byte[] response, long maxBytes) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> request = serveOnce(server, response);
            FetchTarget target = new FetchTarget(URI.create("http://localhost:" + server.getLocalPort() + "/a/b.png?x=1"),
                    false, "localhost", server.getLocalPort(), List.of(InetAddress.getLoopbackAddress()));
            Object result;
            try {
                result = Http1Exchange.get(target, (SSLSocketFactory) SSLSocketFactory.getDefault(), 5_000,
                        System.nanoTime() + TimeUnit.SECONDS.toNanos(20), maxBytes, "image/*", (s, h) -> s == 200);
            } catch (Exception e) {
                result = e;
            }
            try {
                request.get(20, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException ignored) {
                // the server side only matters for the request test
            }
            return result;
        }
    }

    private static String permanent(Object result) {
        assertThat(result).isInstanceOf(PermanentFailureException.class);
        assertThat(FailureClassifier.classify((Throwable) result)).isEqualTo(FailureKind.PERMANENT);
        return ((Throwable) result).getMessage();
    }

    @Test
    void sendsAMinimalGetAndReadsAContentLengthBody() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> request = serveOnce(server,
                    "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 5\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII));
            int port = server.getLocalPort();
            FetchTarget target = new FetchTarget(URI.create("http://localhost:" + port + "/a/b.png?x=1"), false,
                    "localhost", port, List.of(InetAddress.getLoopbackAddress()));
            Http1Exchange.Response r = Http1Exchange.get(target, (SSLSocketFactory) SSLSocketFactory.getDefault(), 5_000,
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(20), 1024, "image/*", (s, h) -> true);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("image/png");
            assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("hello");
            assertThat(request.get(20, TimeUnit.SECONDS)).isEqualTo("GET /a/b.png?x=1 HTTP/1.1\r\n"
                    + "Host: localhost:" + port + "\r\nUser-Agent: omnistream-encoder\r\nAccept: image/*\r\n"
                    + "Accept-Encoding: identity\r\nConnection: close\r\n\r\n");
        }
    }

    @Test
    void readsChunkedBodiesAndBodiesUntilEof() throws Exception {
        Object chunked = exchange("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nhel\r\n2;ext=1\r\nlo\r\n0\r\n\r\n", 1024);
        assertThat(new String(((Http1Exchange.Response) chunked).body(), StandardCharsets.US_ASCII)).isEqualTo("hello");
        Object untilEof = exchange("HTTP/1.0 200 OK\r\n\r\nhello", 1024);
        assertThat(new String(((Http1Exchange.Response) untilEof).body(), StandardCharsets.US_ASCII)).isEqualTo("hello");
    }

    @Test
    void boundsTheBodyWhateverItsFraming() throws Exception {
        assertThat(permanent(exchange("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello!", 5)))
                .isEqualTo("Content-Length 6 bytes is over encoder.fetch.max-bytes (5 bytes)");
        assertThat(permanent(exchange("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n3\r\nlo!\r\n0\r\n\r\n", 5)))
                .contains("chunked body exceeds the limit");
        assertThat(permanent(exchange("HTTP/1.0 200 OK\r\n\r\nhello!", 5))).contains("(no Content-Length)");
    }

    @Test
    void refusesMalformedResponses() throws Exception {
        assertThat(permanent(exchange("SSH-2.0-OpenSSH_9.6\r\n\r\n", 1024))).contains("status line");
        assertThat(permanent(exchange("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 1024)))
                .contains("conflicting Content-Length");
        assertThat(permanent(exchange("HTTP/1.1 200 OK\r\nContent-Length: five\r\n\r\nhello", 1024)))
                .contains("is not a number");
        assertThat(permanent(exchange("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx", 1024)))
                .contains("unsupported Transfer-Encoding 'gzip'");
        assertThat(permanent(exchange("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 1024)))
                .contains("chunk size 'zz'");
        assertThat(permanent(exchange("HTTP/1.1 200 OK\r\nX-Pad: " + "a".repeat(Http1Exchange.MAX_HEAD_BYTES)
                + "\r\n\r\n", 1024))).contains("exceed " + Http1Exchange.MAX_HEAD_BYTES + " bytes");
        assertThat(permanent(exchange("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", 1024))).contains("header line");
    }

    @Test
    void aTruncatedResponseIsTransient() throws Exception {
        Object result = exchange("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", 1024);
        assertThat(result).isInstanceOf(IOException.class);
        assertThat(FailureClassifier.classify((Throwable) result)).isEqualTo(FailureKind.TRANSIENT);
        Object noHead = exchange("HTTP/1.1 200 OK\r\n", 1024);
        assertThat(noHead).isInstanceOf(IOException.class);
    }
}
