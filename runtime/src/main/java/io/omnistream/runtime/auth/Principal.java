package io.omnistream.runtime.auth;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who made a request, as established by an {@link Authenticator}: the tenant every row it touches belongs to (taken
 * from the credential, never from the request body) and what it may do.
 *
 * @param subject the API key's id, or the JWT's {@code sub} claim; safe to log (never a secret)
 * @param tenant  the tenant the credential is bound to
 * @param scopes  what the credential may do; {@link Scope#ADMIN} implies all
 */
public record Principal(String subject, String tenant, Set<Scope> scopes) {
    public Principal {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(tenant, "tenant");
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
    }

    /** Whether this principal holds {@code scope} (directly or through {@link Scope#ADMIN}). */
    public boolean can(Scope scope) {
        return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
    }
}
