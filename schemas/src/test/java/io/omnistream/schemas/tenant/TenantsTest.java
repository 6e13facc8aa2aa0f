package io.omnistream.schemas.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TenantsTest {

    @Test
    void tenantNamesAreLowercaseAsciiWithinSixtyFourBytes() {
        assertThat(Tenants.nameProblem("acme")).isNull();
        assertThat(Tenants.nameProblem("team-7_x")).isNull();
        assertThat(Tenants.nameProblem("a".repeat(64))).isNull();
        assertThat(Tenants.nameProblem("a".repeat(65))).contains("64 bytes");
        assertThat(Tenants.nameProblem("")).contains("empty");
        assertThat(Tenants.nameProblem("Acme")).contains("lowercase");
        assertThat(Tenants.nameProblem("-acme")).contains("starting");
        assertThat(Tenants.nameProblem("a:b")).isNotNull();
        assertThat(Tenants.nameProblem("\u00e9t\u00e9")).isNotNull(); // multibyte: never, whatever its length
    }

    @Test
    void recordKeyNamespacesTheIdAndParsesBack() {
        assertThat(Tenants.recordKey("acme", "doc:1")).isEqualTo("acme:doc:1");
        assertThat(Tenants.parseRecordKey("acme:doc:1")).hasValue(new Tenants.Key("acme", "doc:1"));
        assertThat(Tenants.parseRecordKey("no-colon")).isEmpty();
        assertThat(Tenants.parseRecordKey("Bad Tenant:x")).isEmpty();
        assertThat(Tenants.recordKey("a", "x")).isNotEqualTo(Tenants.recordKey("b", "x"));
        assertThatThrownBy(() -> Tenants.recordKey("A:B", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void utf8LengthCountsBytesAsMilvusDoes() {
        for (String s : new String[] {"abc", "\u00e9", "\u20ac", "\ud83d\ude00", "a\u00e9\u20ac\ud83d\ude00z", ""}) {
            assertThat(Tenants.utf8Length(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        }
        // 256 two-byte characters: 256 code points but 512 bytes
        assertThat(Tenants.utf8Length("\u00e9".repeat(256))).isEqualTo(512);
    }

    @Test
    void contentIdsAreNfcNormalised() {
        String decomposed = "cafe\u0301"; // e + combining acute
        assertThat(Tenants.normalizeContentId(decomposed)).isEqualTo("caf\u00e9");
        assertThat(Tenants.normalizeContentId("plain")).isEqualTo("plain");
    }

    @Test
    void theBenchmarkTenantIsReservedAndValid() {
        assertThat(Tenants.isReserved(Tenants.BENCHMARK)).isTrue();
        assertThat(Tenants.isReserved("acme")).isFalse();
        assertThat(Tenants.nameProblem(Tenants.BENCHMARK)).isNull();
        assertThat(Tenants.nameProblem(Tenants.DEFAULT)).isNull();
    }

    @Test
    void userTenantsExcludeTheReservedOneAndBadNamesWithTheRule() {
        assertThat(Tenants.requireUserTenant("team-a_prod9")).isEqualTo("team-a_prod9");
        for (String bad : new String[] {"", "Acme", "-acme", "_acme", "a b", "a.b", "a/b", "a".repeat(65), "\u00fcmlaut",
                "a\u202Eb", "a\u0000b", "caf\u00e9"}) {
            assertThatThrownBy(() -> Tenants.requireUserTenant(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tenant");
        }
        assertThatThrownBy(() -> Tenants.requireUserTenant("a\u202Eb")).hasMessageContaining("\\u202e");
        assertThatThrownBy(() -> Tenants.requireUserTenant(null)).hasMessageContaining("empty");
        assertThatThrownBy(() -> Tenants.requireUserTenant(Tenants.BENCHMARK)).hasMessageContaining("reserved");
    }
}
