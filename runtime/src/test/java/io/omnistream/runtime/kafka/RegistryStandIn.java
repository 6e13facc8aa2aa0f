package io.omnistream.runtime.kafka;

import com.sun.net.httpserver.HttpServer;
import io.omnistream.kafka.broker.SelfSignedCertificate;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.http.HttpTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Schema Registry stand-in for tests of the registry client's settings: HTTPS with a generated certificate, and
 * {@code GET /subjects} answered {@code ["media.events.v1-value"]} only with the expected basic credentials (401
 * otherwise). Records every Authorization header it gets.
 */
public final class RegistryStandIn implements AutoCloseable {
    public static final String SUBJECT = "media.events.v1-value";

    private final HttpServer server;
    private final SelfSignedCertificate certificate;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    public RegistryStandIn(Path dir, String user, String password) throws IOException {
        certificate = SelfSignedCertificate.generate(dir, "registry");
        server = HttpTls.createServer(new InetSocketAddress("127.0.0.1", 0), 0, ConfigSource.of(Map.of(
                "http.tls.certificate-chain-file", certificate.certificatePem().toString(),
                "http.tls.private-key-file", certificate.privateKeyPem().toString())));
        String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        server.createContext("/subjects", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(String.valueOf(auth));
            boolean ok = expected.equals(auth);
            byte[] body = (ok ? "[\"" + SUBJECT + "\"]" : "{\"error_code\":401,\"message\":\"Unauthorized\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(ok ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    /** {@code https://localhost:PORT} (the certificate names localhost). */
    public String url() {
        return "https://localhost:" + server.getAddress().getPort();
    }

    /** The PEM certificate a client must trust. */
    public Path certificatePem() {
        return certificate.certificatePem();
    }

    public List<String> authorizations() {
        return authorizations;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
