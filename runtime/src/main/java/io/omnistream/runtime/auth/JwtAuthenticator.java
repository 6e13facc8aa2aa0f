package io.omnistream.runtime.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.omnistream.schemas.tenant.Tenants;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks OIDC/OAuth 2 access tokens (signed JWTs) with nimbus-jose-jwt: the signature against the identity provider's
 * JWKS (fetched from a URL by {@link JWKSourceBuilder} with its defaults: 500 ms connect and read timeouts, at most
 * 50 KiB, cached 5 min, re-fetched early when a token names an unknown key id but at most every 30 s, one retry, and
 * the last good set kept through an outage of the endpoint), only
 * RS256 and ES256 (so neither {@code alg: none} nor an HMAC "signed" with the public key can pass), header {@code typ}
 * absent, {@code JWT} or {@code at+jwt} (RFC 9068), the exact issuer, the audience, {@code exp} (required) and
 * {@code nbf} with a small clock skew.
 *
 * <p>The principal's subject is {@code sub} (required), its tenant the configured claim (validated by
 * {@link Tenants#validate}; the reserved benchmark tenant is never accepted from a token), its scopes the wire names in
 * {@code scope} (space-separated, RFC 8693) or {@code scp} (array or space-separated string); other scope names
 * (e.g. {@code openid}) are ignored.
 */
public final class JwtAuthenticator implements Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
    private static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");

    /**
     * @param jwksUrl     the JWKS URL (https, or http to loopback)
     * @param issuer      exact required {@code iss}
     * @param audience    a value {@code aud} must contain
     * @param tenantClaim name of the tenant claim
     * @param clockSkew   tolerance for {@code exp} and {@code nbf}, whole seconds
     */
    public record Settings(String jwksUrl, String issuer, String audience, String tenantClaim, Duration clockSkew) {
        public Settings {
            requireSet(jwksUrl, AuthOptions.JWKS_URL.key());
            requireSet(issuer, AuthOptions.JWT_ISSUER.key());
            requireSet(audience, AuthOptions.JWT_AUDIENCE.key());
            requireSet(tenantClaim, AuthOptions.JWT_TENANT_CLAIM.key());
            Objects.requireNonNull(clockSkew, "clockSkew");
            if (!AuthOptions.isAcceptableJwksUrl(jwksUrl)) {
                throw new IllegalArgumentException(AuthOptions.JWKS_URL.key() + " must be https:// (http:// only to a "
                        + "loopback host): " + jwksUrl);
            }
        }

        private static void requireSet(String value, String key) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("'" + key + "' is required in jwt mode");
            }
        }
    }

    private final Settings settings;
    private final ConfigurableJWTProcessor<SecurityContext> processor;

    public JwtAuthenticator(Settings settings) {
        this.settings = settings;
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(URI.create(settings.jwksUrl()).toURL())
                    .retrying(true)
                    .outageTolerant(true)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("invalid " + AuthOptions.JWKS_URL.key() + ": " + settings.jwksUrl(), e);
        }
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        // typ JWT, none, or at+jwt (RFC 9068 access tokens); anything else (e.g. an ID token of another kind) is refused
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, ACCESS_TOKEN_TYPE, null));
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(settings.audience(),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(), Set.of("sub", "exp"));
        claims.setMaxClockSkew((int) Math.min(Integer.MAX_VALUE, settings.clockSkew().toSeconds()));
        p.setJWTClaimsSetVerifier(claims);
        this.processor = p;
    }

    @Override
    public AuthResult authenticate(String authorizationHeader) {
        BearerHeader.Parsed parsed = BearerHeader.parse(authorizationHeader);
        return parsed.ok() ? verify(parsed.token()) : AuthResult.unauthenticated(parsed.problem());
    }

    /** Checks a bearer token that is meant to be a JWT (the header already parsed). */
    AuthResult verify(String token) {
        JWTClaimsSet claims;
        try {
            JWT jwt = JWTParser.parse(token);
            if (!(jwt instanceof SignedJWT signed)) {
                return AuthResult.unauthenticated("only signed JWTs (RS256, ES256) are accepted, not alg "
                        + jwt.getHeader().getAlgorithm());
            }
            claims = processor.process(signed, null);
        } catch (ParseException e) {
            return AuthResult.unauthenticated("malformed JWT: " + e.getMessage());
        } catch (BadJOSEException e) {
            return AuthResult.unauthenticated("invalid JWT: " + e.getMessage());
        } catch (KeySourceException e) {
            LOG.warn("cannot fetch the JWKS from {}: {}", settings.jwksUrl(), e.toString());
            return AuthResult.unavailable("the identity provider's signing keys cannot be fetched right now");
        } catch (JOSEException e) {
            return AuthResult.unauthenticated("JWT signature cannot be verified: " + e.getMessage());
        }
        Object tenantValue = claims.getClaim(settings.tenantClaim());
        if (!(tenantValue instanceof String tenant)) {
            return AuthResult.unauthenticated("JWT has no string claim '" + settings.tenantClaim() + "' naming the tenant");
        }
        try {
            Tenants.requireUserTenant(tenant);
        } catch (IllegalArgumentException e) {
            return AuthResult.unauthenticated("JWT claim '" + settings.tenantClaim() + "': " + e.getMessage());
        }
        return AuthResult.authenticated(new Principal(claims.getSubject(), tenant, scopes(claims)));
    }

    /** The known scopes in {@code scope} (space-separated) and {@code scp} (array or space-separated). */
    static Set<Scope> scopes(JWTClaimsSet claims) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        addSpaceSeparated(claims.getClaim("scope"), scopes);
        Object scp = claims.getClaim("scp");
        if (scp instanceof List<?> list) {
            list.forEach(item -> addSpaceSeparated(item, scopes));
        } else {
            addSpaceSeparated(scp, scopes);
        }
        return scopes;
    }

    private static void addSpaceSeparated(Object value, Set<Scope> into) {
        if (!(value instanceof String s)) {
            return;
        }
        for (String name : s.trim().split(" +")) {
            for (Scope scope : Scope.values()) {
                if (scope.wireName().equals(name)) {
                    into.add(scope);
                }
            }
        }
    }
}
