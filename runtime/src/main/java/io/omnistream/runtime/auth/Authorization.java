package io.omnistream.runtime.auth;

/** The outcome of {@link Authenticator#authorize}: allowed, or forbidden (HTTP 403) with a reason for the client. */
public sealed interface Authorization {

    record Allowed() implements Authorization {
    }

    /** {@code reason} names the missing scope or the tenant mismatch; it is safe to send to the client. */
    record Forbidden(String reason) implements Authorization {
    }

    Authorization ALLOWED = new Allowed();

    static Authorization forbidden(String reason) {
        return new Forbidden(reason);
    }

    default boolean allowed() {
        return this instanceof Allowed;
    }
}
