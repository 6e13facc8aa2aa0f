package io.omnistream.runtime.auth;

import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigSource;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the {@link Authenticator} a service's configuration ({@link AuthOptions}) asks for. */
public final class Authenticators {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticators.class);

    private Authenticators() {
    }

    /** For a standalone service: in api-key mode {@code auth.key-store-file} must be set. */
    public static Authenticator from(ConfigSource source) {
        return from(source, null);
    }

    /**
     * @param home the launcher's {@code omnistream.home}, where the key store lives unless {@code auth.key-store-file}
     *             says otherwise; null for a standalone service
     * @throws ConfigException if a key the mode needs is missing or invalid
     */
    public static Authenticator from(ConfigSource source, Path home) {
        AuthMode mode = source.get(AuthOptions.MODE);
        JwtAuthenticator jwt = null;
        if (mode.jwt()) {
            try {
                jwt = new JwtAuthenticator(new JwtAuthenticator.Settings(source.get(AuthOptions.JWKS_URL),
                        source.get(AuthOptions.JWT_ISSUER), source.get(AuthOptions.JWT_AUDIENCE),
                        source.get(AuthOptions.JWT_TENANT_CLAIM), source.get(AuthOptions.JWT_CLOCK_SKEW)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("auth.mode " + mode + ": " + e.getMessage(), e);
            }
        }
        if (!mode.apiKeys()) {
            LOG.info("authentication: JWT bearer tokens from {} (issuer {}, audience {})", source.get(AuthOptions.JWKS_URL),
                    source.get(AuthOptions.JWT_ISSUER), source.get(AuthOptions.JWT_AUDIENCE));
            return jwt;
        }
        ApiKeyStore store = ApiKeyStore.open(AuthOptions.keyStoreFile(source, home), source.get(AuthOptions.KEY_STORE_RELOAD));
        LOG.info("authentication: {} (API key store {})", mode, store.file());
        if (store.list().isEmpty()) {
            LOG.warn("API key store {} holds no keys: every request with an API key will be refused with 401 until one "
                    + "is created (./omnistream keys create --tenant T --scopes ...)", store.file());
        }
        return new ApiKeyAuthenticator(store, jwt);
    }

    /** API keys of {@code store} only. */
    public static Authenticator apiKeys(ApiKeyStore store) {
        return new ApiKeyAuthenticator(store, null);
    }

    /** API keys of {@code store}, and JWTs checked by {@code jwt}. */
    public static Authenticator apiKeysAndJwt(ApiKeyStore store, JwtAuthenticator jwt) {
        return new ApiKeyAuthenticator(store, jwt);
    }
}
