package io.omnistream.runtime.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TenantsTest {

    @Test
    void validUserTenants() {
        assertThat(Tenants.validate("acme")).isEqualTo("acme");
        assertThat(Tenants.validate("0")).isEqualTo("0");
        assertThat(Tenants.validate("team-a_prod9")).isEqualTo("team-a_prod9");
        assertThat(Tenants.validate("a".repeat(64))).hasSize(64);
    }

    @Test
    void invalidTenantsAreRefusedWithTheRule() {
        for (String bad : new String[] {"", "Acme", "-acme", "_acme", "a b", "a.b", "a/b", "a".repeat(65), "ümlaut",
                "a\u202Eb", "a\u0000b", "caf\u00e9"}) {
            assertThatThrownBy(() -> Tenants.validate(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tenant");
        }
        assertThatThrownBy(() -> Tenants.validate("a\u202Eb")).hasMessageContaining("\\u202e")
                .hasMessageContaining("a-z, 0-9");
        assertThatThrownBy(() -> Tenants.validate(null)).hasMessageContaining("empty");
    }

    @Test
    void theBenchmarkTenantIsReservedAndOutsideTheUserAlphabet() {
        assertThat(Tenants.BENCHMARK).isEqualTo("__bench");
        assertThat(Tenants.isReserved(Tenants.BENCHMARK)).isTrue();
        assertThat(Tenants.isReserved("bench")).isFalse();
        assertThatThrownBy(() -> Tenants.validate(Tenants.BENCHMARK)).hasMessageContaining("reserved");
        assertThat(Tenants.isKnownForm(Tenants.BENCHMARK)).isTrue();
        assertThat(Tenants.isKnownForm("_other")).isFalse();
    }
}
