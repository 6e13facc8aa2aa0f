package io.omnistream.runtime.auth;

/**
 * The outcome of {@link Authenticator#authenticate}. Servers answer {@link Unauthenticated} with 401 and
 * {@code WWW-Authenticate: }{@link Authenticator#CHALLENGE}, and {@link Unavailable} with 503 (the credential could
 * not be checked because the identity provider's key set cannot be fetched: a dependency outage, not the client's
 * fault).
 */
public sealed interface AuthResult {

    /** The credential is valid; the request acts as {@code principal}. */
    record Authenticated(Principal principal) implements AuthResult {
    }

    /**
     * No credential, a malformed one, an unknown, revoked or expired one. {@code reason} is safe to send to the client
     * and to log: it never contains the credential.
     */
    record Unauthenticated(String reason) implements AuthResult {
    }

    /** The credential could not be checked right now (JWKS endpoint unreachable and nothing cached). */
    record Unavailable(String reason) implements AuthResult {
    }

    static AuthResult authenticated(Principal principal) {
        return new Authenticated(principal);
    }

    static AuthResult unauthenticated(String reason) {
        return new Unauthenticated(reason);
    }

    static AuthResult unavailable(String reason) {
        return new Unavailable(reason);
    }

    /** The HTTP status a server answers when this is not {@link Authenticated}: 401 or 503 (200 otherwise). */
    default int httpStatus() {
        if (this instanceof Unauthenticated) {
            return 401;
        }
        return this instanceof Unavailable ? 503 : 200;
    }
}
