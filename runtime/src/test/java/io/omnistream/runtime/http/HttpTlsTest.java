package io.omnistream.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import io.omnistream.kafka.broker.SelfSignedCertificate;
import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpTlsTest {
    @TempDir
    Path dir;
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void withBothFilesTheServerAnswersOverTlsToAClientThatTrustsTheCertificate() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.generate(dir.resolve("server"), "ingest");
        server = start(ConfigSource.of(Map.of("http.tls.certificate-chain-file", cert.certificatePem().toString(),
                "http.tls.private-key-file", cert.privateKeyPem().toString())));
        assertThat(server).isInstanceOf(HttpsServer.class);
        URI uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/hello");

        HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(cert.certificatePem()))
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = trusting.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello over tls");
        assertThat(response.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).isEqualTo("TLSv1.3"));

        // a client that trusts only the JVM's CAs refuses the server's certificate
        HttpClient defaults = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        assertThatThrownBy(() -> defaults.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);

        // plain HTTP to the TLS port gets no HTTP answer: the connection fails (not a timeout, not a response)
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        URI http = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hello");
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(http).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class)
                .isNotInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void withoutTlsKeysItIsAPlainHttpServer() throws Exception {
        server = start(ConfigSource.of(Map.of()));
        assertThat(server).isNotInstanceOf(HttpsServer.class);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(HttpTls.enabled(ConfigSource.of(Map.of()))).isFalse();
    }

    @Test
    void badTlsConfigurationFailsAtStartupNamingTheKey() throws Exception {
        SelfSignedCertificate one = SelfSignedCertificate.generate(dir.resolve("one"), "one");
        SelfSignedCertificate other = SelfSignedCertificate.generate(dir.resolve("other"), "other");
        assertThatThrownBy(() -> HttpTls.sslContext(ConfigSource.of(Map.of("http.tls.certificate-chain-file",
                one.certificatePem().toString())))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'http.tls.private-key-file' is empty");
        assertThatThrownBy(() -> HttpTls.sslContext(one.certificatePem(), other.privateKeyPem()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("does not belong")
                .hasMessageContaining("CN=one");
        assertThatThrownBy(() -> HttpTls.sslContext(one.privateKeyPem(), one.privateKeyPem()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no PEM certificate");
        Path pkcs1 = Files.writeString(dir.resolve("rsa.key"),
                "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n"
                        + "-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> HttpTls.sslContext(one.certificatePem(), pkcs1)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThatThrownBy(() -> HttpTls.sslContext(one.certificatePem(), dir.resolve("missing.key")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot read 'http.tls.private-key-file'");
    }

    @Test
    void onlyTls13And12AreOffered() {
        assertThat(HttpTls.PROTOCOLS).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(HttpTls.options()).extracting(o -> o.key())
                .containsExactly("http.tls.certificate-chain-file", "http.tls.private-key-file");
    }

    private static HttpServer start(ConfigSource source) throws IOException {
        HttpServer s = HttpTls.createServer(new InetSocketAddress("127.0.0.1", 0), 0, source);
        s.createContext("/hello", exchange -> {
            byte[] body = (exchange.getRequestURI().getScheme() == null && s instanceof HttpsServer
                    ? "hello over tls" : "hello").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        s.start();
        return s;
    }

    /** A client context trusting exactly the certificate in {@code pem} (built here with the JDK, not the code under test). */
    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
