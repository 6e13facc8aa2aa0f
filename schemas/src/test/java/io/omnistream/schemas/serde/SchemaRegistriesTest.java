package io.omnistream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaRegistriesTest {

    @Test
    void aRealRegistrysSettingsAreKeptAndReplaced() {
        String url = "https://registry-test-1.example:8081";
        SchemaRegistries.configure(url, Map.of("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "u:p"));
        assertThat(SchemaRegistries.configuration(url)).containsEntry("basic.auth.user.info", "u:p");
        SchemaRegistries.configure(url, Map.of("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "u:q"));
        assertThat(SchemaRegistries.configuration(url)).containsEntry("basic.auth.user.info", "u:q");
    }

    @Test
    void anEmptyConfigurationOrAnInJvmScopeRegistersNothing() {
        SchemaRegistries.configure("mock://registries-test", Map.of("basic.auth.user.info", "u:p"));
        assertThat(SchemaRegistries.configuration("mock://registries-test")).isEmpty();
        SchemaRegistries.configure("https://registry-test-2.example:8081", Map.of());
        assertThat(SchemaRegistries.configuration("https://registry-test-2.example:8081")).isEmpty();
        assertThatThrownBy(() -> SchemaRegistries.configure("ftp://x", Map.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
