package io.omnistream.runtime.auth;

import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The authentication keys every HTTP service shares (ingest, search, the quality service), defined once here so that a
 * key, its default and its meaning cannot drift apart between services. Each service's config class lists
 * {@link #options()} next to its own keys; {@link Authenticators#from} reads them.
 */
public final class AuthOptions {
    /** The key store's file name in {@code omnistream.home} when {@link #KEY_STORE_FILE} is not set. */
    public static final String DEFAULT_KEY_STORE_NAME = "api-keys.json";

    private static final Pattern CLAIM_NAME = Pattern.compile("[A-Za-z0-9_:/.\\-]{1,256}");

    public static final ConfigOption<AuthMode> MODE = new ConfigOption<>("auth.mode", AuthMode.API_KEY,
            "Credentials the HTTP API accepts in 'Authorization: Bearer ...': api-key (keys from auth.key-store-file, "
                    + "made with './omnistream keys create'), jwt (OIDC access tokens checked against auth.jwt.*), or "
                    + "api-key+jwt (a token starting with osk_ is an API key, any other a JWT). There is no "
                    + "unauthenticated mode.",
            AuthMode::fromWireName, m -> true, "api-key, jwt or api-key+jwt");
    public static final ConfigOption<String> KEY_STORE_FILE = new ConfigOption<>("auth.key-store-file", "",
            "API key store (JSON, hashed keys, mode 0600), re-read when it changes so that 'keys revoke' takes effect "
                    + "without a restart; may be a read-only mounted Kubernetes Secret. Empty = "
                    + DEFAULT_KEY_STORE_NAME + " in omnistream.home (the embedded stack); required for a standalone "
                    + "service in api-key mode.",
            String::trim, s -> true, "a file path, or empty");
    public static final ConfigOption<Duration> KEY_STORE_RELOAD = ConfigOption.duration("auth.key-store.reload-interval",
            Duration.ofSeconds(2), Duration.ZERO,
            "How often at most the API key store file is checked for changes (modification time, size, inode); the "
                    + "longest a revoked key stays usable in a running service, duration");
    public static final ConfigOption<String> JWKS_URL = new ConfigOption<>("auth.jwt.jwks-url", "",
            "URL of the identity provider's JSON Web Key Set (e.g. https://idp.example.com/.well-known/jwks.json), "
                    + "fetched on first use and cached (5 min; re-fetched early on an unknown key id, at most every "
                    + "30 s). Required in jwt mode; https, or http to a loopback host only.",
            String::trim, s -> s.isEmpty() || isAcceptableJwksUrl(s), "https://... (http:// only to localhost), or empty");
    public static final ConfigOption<String> JWT_ISSUER = new ConfigOption<>("auth.jwt.issuer", "",
            "Required value of the tokens' 'iss' claim (exact match). Required in jwt mode.",
            String::trim, s -> true, "the issuer URL, or empty");
    public static final ConfigOption<String> JWT_AUDIENCE = new ConfigOption<>("auth.jwt.audience", "",
            "Value the tokens' 'aud' claim must contain (this API's audience at the identity provider). Required in "
                    + "jwt mode.",
            String::trim, s -> true, "the audience, or empty");
    public static final ConfigOption<String> JWT_TENANT_CLAIM = new ConfigOption<>("auth.jwt.tenant-claim", "tenant",
            "Name of the string claim holding the caller's tenant (validated like key tenants; the reserved "
                    + "benchmark tenant is refused).",
            String::trim, s -> CLAIM_NAME.matcher(s).matches(), "a claim name of letters, digits, '_', '-', ':', '/', '.'");
    public static final ConfigOption<Duration> JWT_CLOCK_SKEW = ConfigOption.duration("auth.jwt.clock-skew",
            Duration.ofSeconds(60), Duration.ZERO,
            "Tolerance for clock differences with the identity provider when checking 'exp' and 'nbf', duration "
                    + "(whole seconds)");

    private AuthOptions() {
    }

    /** The shared keys, in the order the configuration reference lists them. */
    public static List<ConfigOption<?>> options() {
        return List.of(MODE, KEY_STORE_FILE, KEY_STORE_RELOAD, JWKS_URL, JWT_ISSUER, JWT_AUDIENCE, JWT_TENANT_CLAIM,
                JWT_CLOCK_SKEW);
    }

    /**
     * The key store file: {@link #KEY_STORE_FILE} if set, else {@value #DEFAULT_KEY_STORE_NAME} in {@code home}.
     *
     * @param home the launcher's {@code omnistream.home}; null for a standalone service, which must set the key
     * @throws ConfigException if neither is given
     */
    public static Path keyStoreFile(ConfigSource source, Path home) {
        String configured = source.get(KEY_STORE_FILE);
        if (!configured.isEmpty()) {
            return Path.of(configured);
        }
        if (home == null) {
            throw new ConfigException("missing required configuration '" + KEY_STORE_FILE.key() + "' (the API key "
                    + "store file) for auth.mode api-key; set it in the config file or " + KEY_STORE_FILE.envVar());
        }
        return home.resolve(DEFAULT_KEY_STORE_NAME);
    }

    /** https anywhere; http only to a loopback host (tests, a local identity provider): a JWKS must not be spoofable. */
    static boolean isAcceptableJwksUrl(String url) {
        try {
            URI uri = URI.create(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost();
            if (host == null) {
                return false;
            }
            return scheme.equals("https") || (scheme.equals("http")
                    && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]")));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
