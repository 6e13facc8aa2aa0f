package io.omnistream.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.kafka.broker.SelfSignedCertificate;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.kafka.KafkaOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline over encrypted transport: the embedded broker with only a SASL_SSL (SCRAM-SHA-512) client
 * listener, every component (ingest producer, encoder worker, Milvus sink, quality plane) connecting through the shared
 * kafka.* keys, and the HTTP APIs on TLS. A text posted over HTTPS is embedded and found over HTTPS; plain HTTP to
 * the API and a Kafka client with a wrong password are refused.
 */
class EncryptedTransportIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void thePipelineRunsOverSaslSslAndHttps() throws Exception {
        SelfSignedCertificate http = SelfSignedCertificate.generate(dir.resolve("http-tls"), "localhost");
        Map<String, String> settings = new HashMap<>(Map.of(
                "launcher.kafka.sasl-ssl", "true",
                "launcher.milvus.fresh", "true",
                "launcher.metrics.port", "0",
                "launcher.web.port", "0",
                "ingest.http.port", "0",
                "search.http.port", "0",
                "launcher.quality-job.enabled", "false",
                "launcher.bias-job.enabled", "false"));
        settings.put("launcher.control.port", "0");
        settings.put("http.tls.certificate-chain-file", http.certificatePem().toString());
        settings.put("http.tls.private-key-file", http.privateKeyPem().toString());
        try (EmbeddedStack stack = EmbeddedStack.start(ConfigSource.load(null, settings), System.out)) {
            assertThat(stack.ingestUri().getScheme()).isEqualTo("https");
            assertThat(stack.searchUri().getScheme()).isEqualTo("https");
            assertThat(stack.qualityPageUri().getScheme()).isEqualTo("https");
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(http.certificatePem())).build();

            String text = "Encrypted transport keeps media events confidential between ingest and the encoders.";
            HttpResponse<String> posted = client.send(HttpRequest.newBuilder(stack.ingestUri().resolve("/v1/media"))
                    .header("Authorization", "Bearer " + stack.apiKey()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                            Map.of("contentId", "tls-1", "modality", "TEXT", "text", text)))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
            await("embedded through the SASL_SSL broker").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> stack.rowsPerContentId(List.of("tls-1")).get("tls-1") == 1L);

            HttpResponse<String> found = client.send(HttpRequest.newBuilder(stack.searchUri().resolve("/v1/search"))
                    .header("Authorization", "Bearer " + stack.apiKey()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("text", text, "k", 3))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
            JsonNode hits = JSON.readTree(found.body()).get("hits");
            assertThat(hits.get(0).get("contentId").asText()).isEqualTo("tls-1");

            // plain HTTP to the TLS port is not answered as HTTP
            URI plain = URI.create("http://127.0.0.1:" + stack.ingestUri().getPort() + "/v1/media");
            assertThatThrownBy(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(plain).timeout(Duration.ofSeconds(10)).GET().build(),
                            HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);

            // the broker refuses a client with the right user but a wrong password
            ConfigSource wrong = stack.effectiveConfig().with(Map.of(KafkaOptions.SASL_PASSWORD.key(), "not-the-password"));
            try (Admin admin = Admin.create(KafkaOptions.clientProperties(wrong))) {
                assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }
            // and the right one is what the stack's own components use
            try (Admin admin = Admin.create(KafkaOptions.clientProperties(stack.effectiveConfig()))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(stack.mediaTopic());
            }
        }
    }

    /** An SSLContext trusting exactly the PEM certificate at {@code pem}. */
    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            trust.setCertificateEntry("omnistream", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
