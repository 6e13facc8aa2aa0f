package io.omnistream.runtime.auth;

import java.util.Map;
import java.util.Objects;

/**
 * The one decision every HTTP surface makes before it reads a request body: authenticate the {@code Authorization}
 * header, then check the route's scope. Servers differ only in how they write the refusal (JSON or text), so they
 * share this and answer {@link Refused} with its status, code, reason and headers.
 */
public final class RequestAuthorization {
    /** The outcome for one request. */
    public sealed interface Outcome {}

    /** The request may proceed as {@code principal}. */
    public record Allowed(Principal principal) implements Outcome {}

    /**
     * Answer {@code status} (401, 403 or 503) with the machine-readable {@code code} ({@code unauthenticated},
     * {@code forbidden}, {@code unavailable}), the client-safe {@code reason} and these response {@code headers}
     * ({@code WWW-Authenticate} on a 401; {@code Connection: close}, as the body is left unread).
     */
    public record Refused(int status, String code, String reason, Map<String, String> headers) implements Outcome {}

    private RequestAuthorization() {}

    /**
     * @param authorizationHeader the request's {@code Authorization} value, null if absent
     * @param scope               what the route needs; the tenant boundary is the route's to apply with the principal
     */
    public static Outcome check(Authenticator authenticator, String authorizationHeader, Scope scope) {
        Objects.requireNonNull(scope, "scope");
        AuthResult auth = authenticator.authenticate(authorizationHeader);
        if (auth instanceof AuthResult.Unauthenticated u) {
            return new Refused(401, "unauthenticated", u.reason(),
                    Map.of("WWW-Authenticate", Authenticator.CHALLENGE, "Connection", "close"));
        }
        if (auth instanceof AuthResult.Unavailable u) {
            return new Refused(503, "unavailable", u.reason(), Map.of("Connection", "close", "Retry-After", "5"));
        }
        Principal principal = ((AuthResult.Authenticated) auth).principal();
        if (Authenticator.authorize(principal, scope, null) instanceof Authorization.Forbidden f) {
            return new Refused(403, "forbidden", f.reason(), Map.of("Connection", "close"));
        }
        return new Allowed(principal);
    }
}
