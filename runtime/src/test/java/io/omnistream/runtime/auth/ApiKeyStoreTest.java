package io.omnistream.runtime.auth;

import io.omnistream.schemas.tenant.Tenants;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeyStoreTest {
    @TempDir
    Path dir;

    private ApiKeyStore store(Path file) {
        return ApiKeyStore.open(file, Duration.ZERO);
    }

    private static String bearer(String key) {
        return "Bearer " + key;
    }

    @Test
    void aCreatedKeyAuthenticatesAsItsTenantWithItsScopes() {
        ApiKeyStore store = store(dir.resolve("api-keys.json"));
        Instant before = Instant.now();
        ApiKeyStore.CreatedKey created = store.create("acme", Set.of(Scope.INGEST, Scope.SEARCH));

        AuthResult result = Authenticators.apiKeys(store).authenticate(bearer(created.plaintext()));
        assertThat(result).isInstanceOf(AuthResult.Authenticated.class);
        Principal p = ((AuthResult.Authenticated) result).principal();
        assertThat(p.subject()).isEqualTo(created.key().id());
        assertThat(p.tenant()).isEqualTo("acme");
        assertThat(p.scopes()).containsExactlyInAnyOrder(Scope.INGEST, Scope.SEARCH);
        assertThat(created.key().created()).isBetween(before, Instant.now());
        assertThat(created.toString()).doesNotContain(created.plaintext());
    }

    @Test
    void keysHave256RandomBitsAndTheDocumentedShape() {
        ApiKeyStore store = store(dir.resolve("api-keys.json"));
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String key = store.create("acme", Set.of(Scope.SEARCH)).plaintext();
            assertThat(key).matches("osk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
            String secret = key.substring("osk_".length() + 16 + 1);
            assertThat(Base64.getUrlDecoder().decode(secret)).hasSize(32);
            secrets.add(secret);
        }
        assertThat(secrets).hasSize(20);
        assertThat(store.list()).hasSize(20).extracting(ApiKey::id).doesNotHaveDuplicates();
    }

    @Test
    void theFileIsOwnerOnlyAndHoldsNoPlaintext() throws Exception {
        Path file = dir.resolve("sub").resolve("api-keys.json");
        ApiKeyStore store = store(file);
        ApiKeyStore.CreatedKey created = store.create("acme", Set.of(Scope.INGEST));
        store.revoke(store.create("acme", Set.of(Scope.INGEST)).key().id());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String content = Files.readString(file, StandardCharsets.UTF_8);
        String secret = created.plaintext().substring("osk_".length() + 16 + 1);
        assertThat(content).doesNotContain(created.plaintext()).doesNotContain(secret)
                .contains(created.key().id()).contains("\"tenant\" : \"acme\"").contains("sha256:");
        // the hash is SHA-256 of the whole key, base64url, computed here independently of the store
        String expectedHash = Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(created.plaintext().getBytes(StandardCharsets.US_ASCII)));
        assertThat(content).contains("sha256:" + expectedHash);
        // no temporary files left beside it
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("api-keys.json", "api-keys.json.lock");
        }
    }

    @Test
    void aRevokedKeyIsRefused() {
        ApiKeyStore store = store(dir.resolve("api-keys.json"));
        ApiKeyStore.CreatedKey created = store.create("acme", Set.of(Scope.INGEST));
        ApiKey revoked = store.revoke(created.key().id());
        assertThat(revoked.revoked()).isTrue();
        assertThat(store.find(created.key().id()).orElseThrow().revokedAt()).isEqualTo(revoked.revokedAt());

        AuthResult result = Authenticators.apiKeys(store).authenticate(bearer(created.plaintext()));
        assertThat(result).isInstanceOf(AuthResult.Unauthenticated.class);
        assertThat(result.httpStatus()).isEqualTo(401);
        assertThat(((AuthResult.Unauthenticated) result).reason()).contains("revoked").contains(created.key().id());
        // revoking again changes nothing
        assertThat(store.revoke(created.key().id()).revokedAt()).isEqualTo(revoked.revokedAt());
        assertThatThrownBy(() -> store.revoke("0000000000000000")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no API key with id '0000000000000000'");
    }

    @Test
    void wrongUnknownAndMalformedKeysAreRefused() {
        ApiKeyStore store = store(dir.resolve("api-keys.json"));
        String key = store.create("acme", Set.of(Scope.INGEST)).plaintext();
        Authenticator auth = Authenticators.apiKeys(store);
        char last = key.charAt(key.length() - 1);
        String tampered = key.substring(0, key.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThat(auth.authenticate(bearer(tampered))).isEqualTo(AuthResult.unauthenticated("invalid API key"));
        String unknownId = "osk_ffffffffffffffff" + key.substring(20);
        assertThat(auth.authenticate(bearer(unknownId))).isEqualTo(AuthResult.unauthenticated("invalid API key"));
        assertThat(auth.authenticate(bearer(key + "x"))).isInstanceOf(AuthResult.Unauthenticated.class);
        assertThat(((AuthResult.Unauthenticated) auth.authenticate(bearer("osk_short"))).reason()).contains("malformed API key");
        assertThat(((AuthResult.Unauthenticated) auth.authenticate(bearer("eyJhbGciOiJub25lIn0.e30."))).reason())
                .contains("not an API key");
        assertThat(((AuthResult.Unauthenticated) auth.authenticate(null)).reason()).contains("missing Authorization header");
        assertThat(auth.authenticate("Basic " + key)).isInstanceOf(AuthResult.Unauthenticated.class);
    }

    @Test
    void anotherTenantsKeyIsForbiddenOnThisTenantsData() {
        ApiKeyStore store = store(dir.resolve("api-keys.json"));
        String keyOfB = store.create("tenant-b", Set.of(Scope.ADMIN)).plaintext();
        Principal b = ((AuthResult.Authenticated) Authenticators.apiKeys(store).authenticate(bearer(keyOfB))).principal();
        assertThat(Authenticator.authorize(b, Scope.DELETE, "tenant-a")).isInstanceOf(Authorization.Forbidden.class);
        assertThat(Authenticator.authorize(b, Scope.DELETE, "tenant-b").allowed()).isTrue();
    }

    @Test
    void aRevokeByAnotherProcessTakesEffectAfterReload() {
        Path file = dir.resolve("api-keys.json");
        ApiKeyStore service = store(file);   // the running service, checking on every request
        ApiKeyStore cli = ApiKeyStore.open(file, Duration.ZERO);
        String key = cli.create("acme", Set.of(Scope.INGEST)).plaintext();
        Authenticator auth = Authenticators.apiKeys(service);
        assertThat(auth.authenticate(bearer(key))).isInstanceOf(AuthResult.Authenticated.class);

        cli.revoke(key.substring(4, 20));
        assertThat(auth.authenticate(bearer(key))).isInstanceOf(AuthResult.Unauthenticated.class);
    }

    @Test
    void theFileIsCheckedAtMostOncePerReloadInterval() {
        Path file = dir.resolve("api-keys.json");
        ApiKeyStore cli = store(file);
        String key = cli.create("acme", Set.of(Scope.INGEST)).plaintext();
        ApiKeyStore service = ApiKeyStore.open(file, Duration.ofHours(1));
        Authenticator auth = Authenticators.apiKeys(service);
        cli.revoke(key.substring(4, 20));
        assertThat(auth.authenticate(bearer(key))).as("not re-read within the hour").isInstanceOf(AuthResult.Authenticated.class);
        assertThat(Authenticators.apiKeys(ApiKeyStore.open(file, Duration.ofHours(1))).authenticate(bearer(key)))
                .as("a fresh read sees the revocation").isInstanceOf(AuthResult.Unauthenticated.class);
    }

    @Test
    void aKubernetesSecretVolumeSwapIsPickedUpAndReadOnlyWorks() throws Exception {
        // a Secret volume: api-keys.json -> ..data/api-keys.json, ..data -> ..<timestamp> swapped atomically on update
        Path writable = dir.resolve("source.json");
        ApiKeyStore cli = store(writable);
        String key = cli.create("acme", Set.of(Scope.SEARCH)).plaintext();
        Path volume = Files.createDirectory(dir.resolve("volume"));
        Path v1 = Files.createDirectory(volume.resolve("..2026_01"));
        Files.copy(writable, v1.resolve("api-keys.json"));
        Files.setPosixFilePermissions(v1.resolve("api-keys.json"), PosixFilePermissions.fromString("r--------"));
        Files.createSymbolicLink(volume.resolve("..data"), v1.getFileName());
        Path mounted = Files.createSymbolicLink(volume.resolve("api-keys.json"), Path.of("..data/api-keys.json"));

        ApiKeyStore service = store(mounted);
        Authenticator auth = Authenticators.apiKeys(service);
        assertThat(auth.authenticate(bearer(key))).isInstanceOf(AuthResult.Authenticated.class);

        cli.revoke(key.substring(4, 20));
        Path v2 = Files.createDirectory(volume.resolve("..2026_02"));
        Files.copy(writable, v2.resolve("api-keys.json"));
        Path tmpLink = Files.createSymbolicLink(volume.resolve("..data_tmp"), v2.getFileName());
        Files.move(tmpLink, volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        assertThat(auth.authenticate(bearer(key))).isInstanceOf(AuthResult.Unauthenticated.class);
    }

    @Test
    void aBrokenEditKeepsTheKeysReadBefore() throws Exception {
        Path file = dir.resolve("api-keys.json");
        ApiKeyStore cli = store(file);
        String key = cli.create("acme", Set.of(Scope.INGEST)).plaintext();
        ApiKeyStore service = store(file);
        Authenticator auth = Authenticators.apiKeys(service);
        Files.writeString(file, "{\"version\":1,\"keys\":[{\"id\":");
        assertThat(auth.authenticate(bearer(key))).isInstanceOf(AuthResult.Authenticated.class);
        assertThatThrownBy(() -> store(file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not a valid key store");
    }

    @Test
    void aMissingFileMeansNoKeys() {
        ApiKeyStore store = store(dir.resolve("none.json"));
        assertThat(store.list()).isEmpty();
        assertThat(Authenticators.apiKeys(store).authenticate(bearer("osk_0123456789abcdef_" + "A".repeat(43))))
                .isEqualTo(AuthResult.unauthenticated("invalid API key"));
        assertThat(Files.exists(dir.resolve("none.json"))).isFalse();
    }

    @Test
    void tenantsAreValidatedAndTheBenchmarkTenantNeedsTheReservedPath() {
        ApiKeyStore store = store(dir.resolve("api-keys.json"));
        assertThatThrownBy(() -> store.create("Acme", Set.of(Scope.INGEST))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid tenant");
        assertThatThrownBy(() -> store.create(Tenants.BENCHMARK, Set.of(Scope.INGEST)))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> store.create("acme", Set.of())).hasMessageContaining("at least one scope");
        assertThat(store.list()).isEmpty();

        ApiKeyStore.CreatedKey bench = store.createReserved(Set.of(Scope.INGEST));
        assertThat(bench.key().tenant()).isEqualTo(Tenants.BENCHMARK);
        Principal p = ((AuthResult.Authenticated) Authenticators.apiKeys(store).authenticate(bearer(bench.plaintext()))).principal();
        assertThat(p.tenant()).isEqualTo(Tenants.BENCHMARK);
    }

    @Test
    void aReadOnlyStoreAuthenticatesButCannotBeChanged() throws Exception {
        Path file = dir.resolve("api-keys.json");
        String key = store(file).create("acme", Set.of(Scope.INGEST)).plaintext();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        ApiKeyStore readOnly = store(file);
        assertThat(Authenticators.apiKeys(readOnly).authenticate(bearer(key))).isInstanceOf(AuthResult.Authenticated.class);
        // a store that cannot be written: a file appears where its directory should be (tests run as root, so
        // permissions alone cannot make a path unwritable here)
        ApiKeyStore unwritable = store(dir.resolve("not-a-dir").resolve("api-keys.json"));
        Files.writeString(dir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> unwritable.create("acme", Set.of(Scope.INGEST))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot write API key store");
    }

    @Test
    void concurrentCreatesThroughTwoStoresLoseNoKey() throws Exception {
        Path file = dir.resolve("api-keys.json");
        ApiKeyStore a = store(file);
        ApiKeyStore b = store(file);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<ApiKeyStore.CreatedKey>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 24; i++) {
                ApiKeyStore s = i % 2 == 0 ? a : b;
                futures.add(pool.submit(() -> s.create("acme", Set.of(Scope.INGEST))));
            }
            for (var f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(store(file).list()).hasSize(24);
    }
}
