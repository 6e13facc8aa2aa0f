package io.omnistream.runtime.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.tenant.Tenants;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** Tokens signed here with nimbus against a JWKS served by a JDK HTTP server on loopback. */
class JwtAuthenticatorTest {
    static final String ISSUER = "https://idp.example.test/realms/omnistream";
    static final String AUDIENCE = "omnistream-api";

    static RSAKey rsa;
    static ECKey ec;
    static RSAKey notPublished;
    static HttpServer server;
    static final AtomicInteger jwksFetches = new AtomicInteger();
    static String jwksUrl;

    @BeforeAll
    static void identityProvider() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        notPublished = new RSAKeyGenerator(2048).keyID("rsa-unknown").generate();
        byte[] jwks = new JWKSet(List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK())).toString(true)
                .getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks.json", exchange -> {
            jwksFetches.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        server.start();
        jwksUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    static JwtAuthenticator authenticator() {
        return new JwtAuthenticator(new JwtAuthenticator.Settings(jwksUrl, ISSUER, AUDIENCE, "tenant", Duration.ofSeconds(60)));
    }

    static JWTClaimsSet.Builder validClaims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(List.of(AUDIENCE, "other")).subject("user-42")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("tenant", "acme").claim("scope", "openid ingest search");
    }

    static String sign(JWTClaimsSet claims, JWSAlgorithm alg, String kid, JWSSigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    static String rs256(JWTClaimsSet claims) throws Exception {
        return sign(claims, JWSAlgorithm.RS256, rsa.getKeyID(), new RSASSASigner(rsa));
    }

    static String rs256(Consumer<JWTClaimsSet.Builder> change) throws Exception {
        JWTClaimsSet.Builder b = validClaims();
        change.accept(b);
        return rs256(b.build());
    }

    static String reason(AuthResult result) {
        assertThat(result).isInstanceOf(AuthResult.Unauthenticated.class);
        return ((AuthResult.Unauthenticated) result).reason();
    }

    @Test
    void aValidRs256TokenGivesItsSubjectTenantAndKnownScopes() throws Exception {
        AuthResult result = authenticator().authenticate("Bearer " + rs256(validClaims().build()));
        assertThat(result).isInstanceOf(AuthResult.Authenticated.class);
        Principal p = ((AuthResult.Authenticated) result).principal();
        assertThat(p).isEqualTo(new Principal("user-42", "acme", Set.of(Scope.INGEST, Scope.SEARCH)));
    }

    @Test
    void aValidEs256TokenWithScpArray() throws Exception {
        JWTClaimsSet claims = validClaims().claim("scope", null).claim("scp", List.of("read-quality", "admin", "email"))
                .build();
        AuthResult result = authenticator().authenticate("Bearer " + sign(claims, JWSAlgorithm.ES256, ec.getKeyID(), new ECDSASigner(ec)));
        assertThat(((AuthResult.Authenticated) result).principal().scopes()).containsExactlyInAnyOrder(Scope.READ_QUALITY, Scope.ADMIN);
    }

    @Test
    void accessTokenTypesAreAcceptedOtherTypesNot() throws Exception {
        JwtAuthenticator auth = authenticator();
        for (JOSEObjectType type : new JOSEObjectType[] {new JOSEObjectType("at+jwt"), null}) {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).type(type).build(),
                    validClaims().build());
            jwt.sign(new RSASSASigner(rsa));
            assertThat(auth.authenticate("Bearer " + jwt.serialize())).as(String.valueOf(type))
                    .isInstanceOf(AuthResult.Authenticated.class);
        }
        SignedJWT logout = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID())
                .type(new JOSEObjectType("logout+jwt")).build(), validClaims().build());
        logout.sign(new RSASSASigner(rsa));
        assertThat(reason(auth.authenticate("Bearer " + logout.serialize()))).contains("typ");
    }

    @Test
    void theJwksIsFetchedOnceAndCached() throws Exception {
        JwtAuthenticator auth = authenticator();
        int before = jwksFetches.get();
        for (int i = 0; i < 5; i++) {
            assertThat(auth.authenticate("Bearer " + rs256(validClaims().build()))).isInstanceOf(AuthResult.Authenticated.class);
        }
        assertThat(jwksFetches.get() - before).isEqualTo(1);
    }

    @Test
    void wrongIssuerOrAudienceIsRefused() throws Exception {
        JwtAuthenticator auth = authenticator();
        assertThat(reason(auth.authenticate("Bearer " + rs256(b -> b.issuer("https://evil.example.test")))))
                .contains("iss");
        assertThat(reason(auth.authenticate("Bearer " + rs256(b -> b.audience("another-api"))))).contains("aud");
        assertThat(reason(auth.authenticate("Bearer " + rs256(b -> b.audience((String) null))))).contains("aud");
    }

    @Test
    void expiredNotYetValidAndWithoutExpiryAreRefusedWithinTheSkew() throws Exception {
        JwtAuthenticator auth = authenticator();
        Instant now = Instant.now();
        assertThat(reason(auth.authenticate("Bearer " + rs256(b -> b.expirationTime(Date.from(now.minusSeconds(300)))))))
                .containsIgnoringCase("expired");
        assertThat(reason(auth.authenticate("Bearer " + rs256(b -> b.notBeforeTime(Date.from(now.plusSeconds(300)))))))
                .containsIgnoringCase("before use time");
        assertThat(reason(auth.authenticate("Bearer " + rs256(b -> b.expirationTime(null))))).contains("exp");
        // inside the 60 s skew: still accepted
        assertThat(auth.authenticate("Bearer " + rs256(b -> b.expirationTime(Date.from(now.minusSeconds(10))))))
                .isInstanceOf(AuthResult.Authenticated.class);
    }

    @Test
    void algNoneIsRefused() throws Exception {
        String unsigned = new PlainJWT(validClaims().build()).serialize();
        assertThat(unsigned).endsWith(".");
        assertThat(reason(authenticator().authenticate("Bearer " + unsigned))).contains("only signed JWTs").contains("none");
        // a signed header with alg none is no better
        String[] parts = rs256(validClaims().build()).split("\\.");
        String noneHeader = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\",\"kid\":\"rsa-1\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(reason(authenticator().authenticate("Bearer " + noneHeader + "." + parts[1] + "." + parts[2])))
                .contains("unsecured JWT");
    }

    @Test
    void hmacSignedWithThePublicKeyIsRefused() throws Exception {
        byte[] publicKeyBytes = rsa.toRSAPublicKey().getEncoded();
        String forged = sign(validClaims().build(), JWSAlgorithm.HS256, rsa.getKeyID(), new MACSigner(publicKeyBytes));
        assertThat(reason(authenticator().authenticate("Bearer " + forged))).contains("Another algorithm expected");
    }

    @Test
    void anUnknownKeyIdOrABadSignatureIsRefused() throws Exception {
        JwtAuthenticator auth = authenticator();
        String unknownKid = sign(validClaims().build(), JWSAlgorithm.RS256, notPublished.getKeyID(), new RSASSASigner(notPublished));
        assertThat(reason(auth.authenticate("Bearer " + unknownKid))).contains("no matching key");
        String wrongKeySameKid = sign(validClaims().build(), JWSAlgorithm.RS256, rsa.getKeyID(), new RSASSASigner(notPublished));
        assertThat(reason(auth.authenticate("Bearer " + wrongKeySameKid))).containsIgnoringCase("signature");
        String valid = rs256(validClaims().build());
        String[] parts = valid.split("\\.");
        String otherPayload = rs256(b -> b.claim("tenant", "globex")).split("\\.")[1];
        assertThat(reason(auth.authenticate("Bearer " + parts[0] + "." + otherPayload + "." + parts[2])))
                .containsIgnoringCase("signature");
    }

    @Test
    void theTenantClaimIsRequiredValidAndNeverTheReservedTenant() throws Exception {
        JwtAuthenticator auth = authenticator();
        assertThat(reason(auth.authenticate("Bearer " + rs256(b -> b.claim("tenant", null))))).contains("'tenant'");
        assertThat(reason(auth.authenticate("Bearer " + rs256(b -> b.claim("tenant", 42))))).contains("'tenant'");
        assertThat(reason(auth.authenticate("Bearer " + rs256(b -> b.claim("tenant", "Upper Case"))))).contains("invalid tenant");
        assertThat(reason(auth.authenticate("Bearer " + rs256(b -> b.claim("tenant", Tenants.BENCHMARK))))).contains("reserved");
        JwtAuthenticator orgClaim = new JwtAuthenticator(new JwtAuthenticator.Settings(jwksUrl, ISSUER, AUDIENCE, "org",
                Duration.ofSeconds(60)));
        Principal p = ((AuthResult.Authenticated) orgClaim.authenticate("Bearer " + rs256(b -> b.claim("org", "initech"))))
                .principal();
        assertThat(p.tenant()).isEqualTo("initech");
    }

    @Test
    void anUnreachableJwksIsUnavailableNotUnauthenticated() throws Exception {
        HttpServer gone = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        int port = gone.getAddress().getPort();
        gone.stop(0);
        JwtAuthenticator auth = new JwtAuthenticator(new JwtAuthenticator.Settings(
                "http://127.0.0.1:" + port + "/jwks.json", ISSUER, AUDIENCE, "tenant", Duration.ofSeconds(60)));
        AuthResult result = auth.authenticate("Bearer " + rs256(validClaims().build()));
        assertThat(result).isInstanceOf(AuthResult.Unavailable.class);
        assertThat(result.httpStatus()).isEqualTo(503);
    }

    @Test
    void bothModesFromConfiguration(@TempDir Path home) throws Exception {
        ApiKeyStore store = ApiKeyStore.open(home.resolve(AuthOptions.DEFAULT_KEY_STORE_NAME), Duration.ZERO);
        String key = store.create("acme", Set.of(Scope.DELETE)).plaintext();
        Authenticator both = Authenticators.from(ConfigSource.of(Map.of("auth.mode", "api-key+jwt",
                "auth.jwt.jwks-url", jwksUrl, "auth.jwt.issuer", ISSUER, "auth.jwt.audience", AUDIENCE)), home);
        assertThat(((AuthResult.Authenticated) both.authenticate("Bearer " + key)).principal().scopes())
                .containsExactly(Scope.DELETE);
        assertThat(((AuthResult.Authenticated) both.authenticate("Bearer " + rs256(validClaims().build()))).principal()
                .subject()).isEqualTo("user-42");

        Authenticator jwtOnly = Authenticators.from(ConfigSource.of(Map.of("auth.mode", "jwt",
                "auth.jwt.jwks-url", jwksUrl, "auth.jwt.issuer", ISSUER, "auth.jwt.audience", AUDIENCE)));
        assertThat(jwtOnly.authenticate("Bearer " + key)).isInstanceOf(AuthResult.Unauthenticated.class);
        Authenticator keysOnly = Authenticators.from(ConfigSource.of(Map.of()), home);
        assertThat(keysOnly.authenticate("Bearer " + key)).isInstanceOf(AuthResult.Authenticated.class);
        assertThat(reason(keysOnly.authenticate("Bearer " + rs256(validClaims().build())))).contains("not an API key");
    }
}
