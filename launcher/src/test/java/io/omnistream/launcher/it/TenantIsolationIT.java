package io.omnistream.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.runtime.auth.ApiKeyStore;
import io.omnistream.runtime.auth.Scope;
import io.omnistream.schemas.bench.BenchContentIds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Acceptance of tenant isolation on the running embedded stack (what {@code ./omnistream demo} runs), through its
 * HTTP APIs only: no credential is 401; the demo key ingests; two tenants hold the same id as their own items; one
 * tenant can neither overwrite, delete nor find the other's rows; benchmark rows stay out of both.
 */
class TenantIsolationIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final String SHARED_A = "Vitamin D supplementation reduces the risk of respiratory infections in children.";
    private static final String A_ONLY = "Graphene oxide membranes filter salt ions from seawater at high flux.";
    private static final String SHARED_B = "Medieval cathedral construction relied on flying buttresses to carry roof loads.";

    @Test
    void tenantsAreIsolatedThroughTheApis() throws Exception {
        EmbeddedStack stack = SharedStack.get();
        URI ingest = stack.ingestUri();
        URI search = stack.searchUri();
        ApiKeyStore store = ApiKeyStore.open(stack.home().resolve("api-keys.json"), Duration.ZERO);
        String acme = store.create("it-acme", EnumSet.of(Scope.INGEST, Scope.DELETE, Scope.SEARCH)).plaintext();
        String globex = store.create("it-globex", EnumSet.of(Scope.INGEST, Scope.DELETE, Scope.SEARCH)).plaintext();

        assertThat(post(ingest, "/v1/media", text("tenant-it-anon", "x"), null).statusCode()).isEqualTo(401);
        assertThat(post(ingest, "/v1/media", text("tenant-it-demo", "a demo note"), stack.apiKey()).statusCode())
                .as("the demo key").isEqualTo(202);

        // new keys are picked up within the store's reload interval (seconds)
        await("acme's key is known").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> post(ingest, "/v1/media", text("shared", SHARED_A), acme).statusCode() == 202);
        assertThat(post(ingest, "/v1/media", text("acme-only", A_ONLY), acme).statusCode()).isEqualTo(202);
        assertThat(post(ingest, "/v1/media", text("shared", SHARED_B), globex).statusCode())
                .as("globex uses the same id for its own item").isEqualTo(202);
        await("both tenants' rows searchable").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> stack.rowsPerContentId(List.of("shared", "acme-only"))
                        .equals(Map.of("shared", 2L, "acme-only", 1L)));

        // each tenant finds its own "shared", with its own vector: globex's upsert did not overwrite acme's row
        assertThat(ids(search(search, SHARED_A, acme))).startsWith("shared");
        assertThat(ids(search(search, SHARED_B, globex))).startsWith("shared");
        JsonNode acmeHit = search(search, SHARED_A, acme).get(0);
        JsonNode globexHit = search(search, SHARED_A, globex).get(0);
        assertThat(acmeHit.get("score").asDouble()).as("acme's row still holds acme's text")
                .isGreaterThan(globexHit.get("score").asDouble() + 0.1);

        // globex can neither read acme's item by id nor find it by searching
        assertThat(get(search, "/v1/media/acme-only", acme).statusCode()).isEqualTo(200);
        assertThat(get(search, "/v1/media/acme-only", globex).statusCode()).isEqualTo(404);
        assertThat(ids(search(search, A_ONLY, globex))).doesNotContain("acme-only");
        assertThat(ids(search(search, A_ONLY, acme))).startsWith("acme-only");

        // globex's deletes act on globex's ids only: acme's rows survive
        assertThat(delete(ingest, "acme-only", globex).statusCode()).isEqualTo(202);
        assertThat(delete(ingest, "shared", globex).statusCode()).isEqualTo(202);
        await("globex's own row deleted").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> stack.rowsPerContentId(List.of("shared")).get("shared") == 1L);
        assertThat(stack.rowsPerContentId(List.of("acme-only"))).containsEntry("acme-only", 1L);
        assertThat(ids(search(search, SHARED_A, acme))).startsWith("shared");

        // a body naming another tenant, and benchmark ids, are refused; benchmark rows never appear in user search
        assertThat(post(ingest, "/v1/media", "{\"contentId\":\"x\",\"tenant\":\"it-acme\",\"modality\":\"TEXT\",\"text\":\"x\"}",
                globex).statusCode()).isEqualTo(403);
        assertThat(post(ingest, "/v1/media", text(BenchContentIds.PREFIX + "t:0:c:1", "x"), acme).statusCode()).isEqualTo(403);
        assertThat(ids(search(search, SHARED_A, acme))).noneMatch(id -> id.startsWith(BenchContentIds.PREFIX));
    }

    private static String text(String id, String text) throws Exception {
        return JSON.writeValueAsString(Map.of("contentId", id, "modality", "TEXT", "text", text));
    }

    private static HttpResponse<String> post(URI base, String path, String body, String key) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
            if (key != null) {
                b.header("Authorization", "Bearer " + key);
            }
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> get(URI base, String path, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> delete(URI base, String id, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve("/v1/media/" + id)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode search(URI base, String text, String key) throws Exception {
        HttpResponse<String> r = post(base, "/v1/search", JSON.writeValueAsString(Map.of("text", text, "k", 10)), key);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("hits");
    }

    private static List<String> ids(JsonNode hits) {
        List<String> ids = new ArrayList<>();
        hits.forEach(h -> ids.add(h.get("contentId").asText()));
        return ids;
    }
}
