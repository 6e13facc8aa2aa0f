package io.omnistream.runtime.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigSource;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthOptionsTest {

    @Test
    void modesParseAndThereIsNoUnauthenticatedMode() {
        assertThat(ConfigSource.of(Map.of()).get(AuthOptions.MODE)).isEqualTo(AuthMode.API_KEY);
        assertThat(ConfigSource.of(Map.of("auth.mode", "JWT")).get(AuthOptions.MODE)).isEqualTo(AuthMode.JWT);
        assertThat(ConfigSource.of(Map.of("auth.mode", "api-key+jwt")).get(AuthOptions.MODE)).isEqualTo(AuthMode.API_KEY_AND_JWT);
        for (String bad : new String[] {"none", "off", "api_key", ""}) {
            assertThatThrownBy(() -> ConfigSource.of(Map.of("auth.mode", bad)).get(AuthOptions.MODE)).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("api-key, jwt or api-key+jwt");
        }
    }

    @Test
    void theKeyStoreDefaultsToTheHomeOnlyWhereThereIsOne() {
        Path home = Path.of("/srv/omnistream-home");
        assertThat(AuthOptions.keyStoreFile(ConfigSource.of(Map.of()), home)).isEqualTo(home.resolve("api-keys.json"));
        assertThat(AuthOptions.keyStoreFile(ConfigSource.of(Map.of("auth.key-store-file", "/run/secrets/keys.json")), home))
                .isEqualTo(Path.of("/run/secrets/keys.json"));
        assertThatThrownBy(() -> Authenticators.from(ConfigSource.of(Map.of()))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.key-store-file").hasMessageContaining("OMNISTREAM_AUTH_KEY_STORE_FILE");
    }

    @Test
    void jwtModeNeedsUrlIssuerAndAudience() {
        assertThatThrownBy(() -> Authenticators.from(ConfigSource.of(Map.of("auth.mode", "jwt",
                "auth.jwt.jwks-url", "https://idp.example.test/jwks", "auth.jwt.audience", "api"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'auth.jwt.issuer' is required");
        assertThatThrownBy(() -> Authenticators.from(ConfigSource.of(Map.of("auth.mode", "jwt",
                "auth.jwt.issuer", "https://idp.example.test", "auth.jwt.audience", "api"))))
                .hasMessageContaining("'auth.jwt.jwks-url' is required");
    }

    @Test
    void theJwksMustComeOverHttpsExceptFromLoopback() {
        assertThat(AuthOptions.isAcceptableJwksUrl("https://idp.example.test/jwks")).isTrue();
        assertThat(AuthOptions.isAcceptableJwksUrl("http://127.0.0.1:8080/jwks")).isTrue();
        assertThat(AuthOptions.isAcceptableJwksUrl("http://localhost/jwks")).isTrue();
        assertThat(AuthOptions.isAcceptableJwksUrl("http://idp.example.test/jwks")).isFalse();
        assertThat(AuthOptions.isAcceptableJwksUrl("file:///etc/jwks.json")).isFalse();
        assertThat(AuthOptions.isAcceptableJwksUrl("not a url")).isFalse();
        assertThatThrownBy(() -> ConfigSource.of(Map.of("auth.jwt.jwks-url", "http://idp.example.test/jwks"))
                .get(AuthOptions.JWKS_URL)).isInstanceOf(ConfigException.class).hasMessageContaining("https://");
    }

    @Test
    void everyOptionIsListedOnceUnderAuth() {
        assertThat(AuthOptions.options()).extracting(o -> o.key()).doesNotHaveDuplicates().allMatch(k -> k.startsWith("auth."))
                .contains("auth.mode", "auth.key-store-file", "auth.jwt.jwks-url", "auth.jwt.issuer", "auth.jwt.audience",
                        "auth.jwt.tenant-claim");
    }
}
