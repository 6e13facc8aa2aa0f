package io.omnistream.runtime.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestAuthorizationTest {
    @TempDir
    Path dir;

    @Test
    void missingWrongRevokedOrScopelessCredentialsAreRefusedWithTheirStatus() {
        ApiKeyStore store = ApiKeyStore.open(dir.resolve("keys.json"), Duration.ZERO);
        Authenticator auth = Authenticators.apiKeys(store);
        String search = store.create("acme", EnumSet.of(Scope.SEARCH)).plaintext();

        assertThat(RequestAuthorization.check(auth, null, Scope.SEARCH)).isInstanceOfSatisfying(
                RequestAuthorization.Refused.class, r -> {
                    assertThat(r.status()).isEqualTo(401);
                    assertThat(r.code()).isEqualTo("unauthenticated");
                    assertThat(r.headers()).containsEntry("WWW-Authenticate", Authenticator.CHALLENGE);
                });
        assertThat(RequestAuthorization.check(auth, "Bearer osk_0000000000000000_" + "A".repeat(43), Scope.SEARCH))
                .isInstanceOfSatisfying(RequestAuthorization.Refused.class, r -> assertThat(r.status()).isEqualTo(401));
        assertThat(RequestAuthorization.check(auth, "Bearer " + search, Scope.INGEST)).isInstanceOfSatisfying(
                RequestAuthorization.Refused.class, r -> {
                    assertThat(r.status()).isEqualTo(403);
                    assertThat(r.code()).isEqualTo("forbidden");
                    assertThat(r.reason()).contains("ingest");
                });
        assertThat(RequestAuthorization.check(auth, "Bearer " + search, Scope.SEARCH)).isInstanceOfSatisfying(
                RequestAuthorization.Allowed.class, a -> assertThat(a.principal().tenant()).isEqualTo("acme"));
    }
}
