package io.omnistream.search.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.milvus.search.SearchHit;
import io.omnistream.milvus.search.StoredItem;
import io.omnistream.runtime.auth.ApiKeyStore;
import io.omnistream.runtime.auth.Authenticators;
import io.omnistream.runtime.auth.Scope;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.search.TenantSearch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search API's own rules on the real JDK server with a real key store; the search behind it records what it was
 * asked (the ONNX + Milvus search itself runs in the launcher's UserSearchIT and TenantIsolationIT).
 */
class SearchServerTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    @TempDir
    Path tmp;
    private SearchServer server;
    private ApiKeyStore keys;

    @BeforeEach
    void start() throws Exception {
        keys = ApiKeyStore.open(tmp.resolve("keys.json"), Duration.ZERO);
        server = new SearchServer(SearchConfig.from(ConfigSource.of(Map.of("search.http.port", "0", "search.max-k", "50"))),
                new TenantSearch() {
                    @Override
                    public List<SearchHit> search(String tenant, String text, int k) {
                        asked.add(tenant + "|" + text + "|" + k);
                        return List.of(new SearchHit(tenant + "-doc", 0.9f));
                    }

                    @Override
                    public Optional<StoredItem> find(String tenant, String contentId) {
                        asked.add(tenant + "|find|" + contentId);
                        // only acme holds "a-doc"
                        return tenant.equals("acme") && contentId.equals("a-doc")
                                ? Optional.of(new StoredItem(contentId, "TEXT", 7L)) : Optional.empty();
                    }
                },
                Authenticators.apiKeys(keys)).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> search(String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/search"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void searchesRunAsTheCredentialsTenant() throws Exception {
        String acme = keys.create("acme", EnumSet.of(Scope.SEARCH)).plaintext();
        String globex = keys.create("globex", EnumSet.of(Scope.SEARCH)).plaintext();
        HttpResponse<String> r = search("{\"text\":\"cells\",\"k\":5}", acme);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode hits = json.readTree(r.body()).get("hits");
        assertThat(hits.get(0).get("contentId").asText()).isEqualTo("acme-doc");
        assertThat(search("{\"text\":\"cells\",\"tenant\":\"acme\"}", globex).statusCode()).isEqualTo(200);
        assertThat(asked).as("a tenant in the body is ignored: the key decides")
                .containsExactly("acme|cells|5", "globex|cells|10");
    }

    @Test
    void anItemIsReadOnlyInItsOwnTenant() throws Exception {
        String acme = keys.create("acme", EnumSet.of(Scope.SEARCH)).plaintext();
        String globex = keys.create("globex", EnumSet.of(Scope.SEARCH)).plaintext();
        HttpResponse<String> own = get("/v1/media/a-doc", acme);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(json.readTree(own.body()).get("eventTimeMs").asLong()).isEqualTo(7L);
        assertThat(get("/v1/media/a-doc", globex).statusCode()).as("another tenant's id: not found").isEqualTo(404);
        assertThat(get("/v1/media/a-doc", null).statusCode()).isEqualTo(401);
        assertThat(asked).containsExactly("acme|find|a-doc", "globex|find|a-doc");
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void credentialsScopesAndLimits() throws Exception {
        assertThat(search("{\"text\":\"x\"}", null).statusCode()).isEqualTo(401);
        assertThat(search("{\"text\":\"x\"}", "osk_unknown_key").statusCode()).isEqualTo(401);
        String ingestOnly = keys.create("acme", EnumSet.of(Scope.INGEST)).plaintext();
        assertThat(search("{\"text\":\"x\"}", ingestOnly).statusCode()).isEqualTo(403);
        String key = keys.create("acme", EnumSet.of(Scope.SEARCH)).plaintext();
        assertThat(search("{\"text\":\"x\",\"k\":51}", key).statusCode()).isEqualTo(400);
        assertThat(search("{\"text\":\"x\",\"k\":1.5}", key).statusCode()).isEqualTo(400);
        assertThat(search("{\"text\":\"  \"}", key).statusCode()).isEqualTo(400);
        assertThat(search("not json", key).statusCode()).isEqualTo(400);
        assertThat(search("{\"text\":\"" + "a".repeat(70_000) + "\"}", key).statusCode()).isEqualTo(413);
        assertThat(asked).as("nothing reached the search").isEmpty();
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }
}
