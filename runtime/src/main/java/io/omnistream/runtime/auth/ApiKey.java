package io.omnistream.runtime.auth;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What the key store tells about one API key: everything but its hash (and the plaintext, which is never stored).
 *
 * @param id        public key id, the part after {@code osk_} in the key; safe to log and to show
 * @param tenant    the tenant the key acts for
 * @param scopes    what it may do
 * @param created   when it was created
 * @param revokedAt when it was revoked; null while it is valid
 */
public record ApiKey(String id, String tenant, Set<Scope> scopes, Instant created, Instant revokedAt) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(created, "created");
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    ApiKey revokedAt(Instant when) {
        return new ApiKey(id, tenant, scopes, created, when);
    }
}
