package io.omnistream.runtime.auth;

import java.util.Objects;

/**
 * Checks the {@code Authorization} header of an HTTP request. Every implementation accepts exactly
 * {@code Bearer <token>} (case-insensitive scheme, at most {@value BearerHeader#MAX_HEADER_CHARS} characters) and is
 * safe for concurrent use. Build one with {@link Authenticators#from}.
 *
 * <p>Typical use in a handler:
 * <pre>{@code
 * AuthResult result = authenticator.authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
 * if (!(result instanceof AuthResult.Authenticated ok)) {
 *     // 401 with WWW-Authenticate: Authenticator.CHALLENGE, or 503 for Unavailable: result.httpStatus()
 * }
 * Authorization decision = Authenticator.authorize(ok.principal(), Scope.INGEST, tenantOfTheRow);
 * if (decision instanceof Authorization.Forbidden f) {
 *     // 403 with f.reason()
 * }
 * }</pre>
 */
public interface Authenticator {
    /** The {@code WWW-Authenticate} value to send with every 401. */
    String CHALLENGE = "Bearer realm=\"omnistream\"";

    /**
     * @param authorizationHeader the raw header value; null or empty when the request had none (→ unauthenticated)
     * @return never null
     */
    AuthResult authenticate(String authorizationHeader);

    /**
     * Whether {@code principal} may do what needs {@code scope} to a resource of {@code tenantOfResource}. The tenant
     * boundary holds for every scope, {@link Scope#ADMIN} included: a credential acts only inside its own tenant.
     *
     * @param tenantOfResource the tenant owning the row or data touched; null for a request that touches no
     *                         tenant's rows (e.g. the quality page), where only the scope is checked
     * @return the decision; a {@link Authorization.Forbidden} reason names the credential, its tenant and the missing
     *         scope, never the other tenant (which would tell a client whose an id is)
     */
    static Authorization authorize(Principal principal, Scope scope, String tenantOfResource) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(scope, "scope");
        if (!principal.can(scope)) {
            return Authorization.forbidden("credential '" + principal.subject() + "' lacks scope '" + scope.wireName()
                    + "' (it has: " + Scope.wireNames(principal.scopes()) + ")");
        }
        if (tenantOfResource != null && !tenantOfResource.equals(principal.tenant())) {
            return Authorization.forbidden("credential '" + principal.subject() + "' of tenant '" + principal.tenant()
                    + "' may not act on another tenant's data");
        }
        return Authorization.ALLOWED;
    }
}
