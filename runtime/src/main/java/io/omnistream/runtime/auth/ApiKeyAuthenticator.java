package io.omnistream.runtime.auth;

import java.util.Objects;

/**
 * Accepts API keys from an {@link ApiKeyStore} and, when given a {@link JwtAuthenticator}, JWTs as well: a bearer
 * token starting with {@value ApiKeyStore#KEY_PREFIX} is an API key, any other token goes to the JWT check (or is
 * refused when there is none).
 */
final class ApiKeyAuthenticator implements Authenticator {
    private final ApiKeyStore store;
    private final JwtAuthenticator jwt;

    /** @param jwt null for API keys only */
    ApiKeyAuthenticator(ApiKeyStore store, JwtAuthenticator jwt) {
        this.store = Objects.requireNonNull(store, "store");
        this.jwt = jwt;
    }

    @Override
    public AuthResult authenticate(String authorizationHeader) {
        BearerHeader.Parsed parsed = BearerHeader.parse(authorizationHeader);
        if (!parsed.ok()) {
            return AuthResult.unauthenticated(parsed.problem());
        }
        if (ApiKeyStore.looksLikeApiKey(parsed.token())) {
            return store.verify(parsed.token());
        }
        if (jwt != null) {
            return jwt.verify(parsed.token());
        }
        return AuthResult.unauthenticated("not an API key (API keys start with " + ApiKeyStore.KEY_PREFIX + ")");
    }
}
