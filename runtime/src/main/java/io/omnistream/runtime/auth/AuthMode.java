package io.omnistream.runtime.auth;

import java.util.Locale;

/**
 * Which credentials a service accepts. There is deliberately no mode without authentication: every HTTP surface
 * needs a credential.
 */
public enum AuthMode {
    /** API keys from the key store file ({@code auth.key-store-file}). */
    API_KEY("api-key"),
    /** JWT bearer tokens of an OIDC provider ({@code auth.jwt.*}). */
    JWT("jwt"),
    /** Both: a token starting with {@code osk_} is checked as an API key, any other as a JWT. */
    API_KEY_AND_JWT("api-key+jwt");

    private final String wireName;

    AuthMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean apiKeys() {
        return this != JWT;
    }

    public boolean jwt() {
        return this != API_KEY;
    }

    public static AuthMode fromWireName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (AuthMode m : values()) {
            if (m.wireName.equals(n)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown auth mode '" + name + "'");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
