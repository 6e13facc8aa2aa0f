package io.omnistream.runtime.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthorizationTest {
    private final Principal ingestOnly = new Principal("k1", "acme", Set.of(Scope.INGEST));
    private final Principal admin = new Principal("k2", "acme", Set.of(Scope.ADMIN));

    @Test
    void scopesAreCheckedAndAdminImpliesAll() {
        assertThat(ingestOnly.can(Scope.INGEST)).isTrue();
        assertThat(ingestOnly.can(Scope.SEARCH)).isFalse();
        assertThat(ingestOnly.can(Scope.ADMIN)).isFalse();
        for (Scope s : Scope.values()) {
            assertThat(admin.can(s)).as(s.name()).isTrue();
        }
    }

    @Test
    void allowedInsideTheOwnTenantWithTheScope() {
        assertThat(Authenticator.authorize(ingestOnly, Scope.INGEST, "acme")).isEqualTo(Authorization.ALLOWED);
        assertThat(Authenticator.authorize(ingestOnly, Scope.INGEST, "acme").allowed()).isTrue();
        assertThat(Authenticator.authorize(admin, Scope.DELETE, "acme").allowed()).isTrue();
    }

    @Test
    void aMissingScopeIsForbiddenNamingTheScope() {
        Authorization decision = Authenticator.authorize(ingestOnly, Scope.DELETE, "acme");
        assertThat(decision.allowed()).isFalse();
        assertThat(((Authorization.Forbidden) decision).reason()).contains("lacks scope 'delete'").contains("it has: ingest");
    }

    @Test
    void anotherTenantIsForbiddenForEveryScopeAdminIncludedWithoutNamingIt() {
        Authorization decision = Authenticator.authorize(admin, Scope.SEARCH, "globex");
        assertThat(decision).isInstanceOf(Authorization.Forbidden.class);
        assertThat(((Authorization.Forbidden) decision).reason()).contains("tenant 'acme'").doesNotContain("globex");
        assertThat(Authenticator.authorize(ingestOnly, Scope.INGEST, "globex").allowed()).isFalse();
    }

    @Test
    void aRequestTouchingNoTenantChecksOnlyTheScope() {
        Principal quality = new Principal("k3", "acme", Set.of(Scope.READ_QUALITY));
        assertThat(Authenticator.authorize(quality, Scope.READ_QUALITY, null).allowed()).isTrue();
        assertThat(Authenticator.authorize(ingestOnly, Scope.READ_QUALITY, null).allowed()).isFalse();
    }

    @Test
    void scopeWireNames() {
        assertThat(Scope.parseList("ingest, search")).containsExactlyInAnyOrder(Scope.INGEST, Scope.SEARCH);
        assertThat(Scope.parseList("READ-QUALITY,admin")).containsExactlyInAnyOrder(Scope.READ_QUALITY, Scope.ADMIN);
        assertThat(Scope.wireNames(EnumSet.of(Scope.SEARCH, Scope.INGEST, Scope.READ_QUALITY)))
                .isEqualTo("ingest,search,read-quality");
        assertThatThrownBy(() -> Scope.parseList("ingest,read_quality")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown scope 'read_quality'").hasMessageContaining("read-quality");
        assertThatThrownBy(() -> Scope.parseList(" , ")).hasMessageContaining("no scope given");
    }

    @Test
    void authResultStatuses() {
        assertThat(AuthResult.unauthenticated("x").httpStatus()).isEqualTo(401);
        assertThat(AuthResult.unavailable("x").httpStatus()).isEqualTo(503);
        assertThat(AuthResult.authenticated(admin).httpStatus()).isEqualTo(200);
        assertThat(Authenticator.CHALLENGE).startsWith("Bearer");
    }
}
