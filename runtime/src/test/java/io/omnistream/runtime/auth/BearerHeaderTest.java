package io.omnistream.runtime.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerHeaderTest {

    @Test
    void acceptsExactlyBearerSpaceToken() {
        assertThat(BearerHeader.parse("Bearer osk_0123456789abcdef_abc-_DEF").token()).isEqualTo("osk_0123456789abcdef_abc-_DEF");
        assertThat(BearerHeader.parse("Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln").token())
                .isEqualTo("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
        assertThat(BearerHeader.parse("Bearer abc+/~.=").token()).isEqualTo("abc+/~.=");
    }

    @Test
    void theSchemeIsCaseInsensitive() {
        assertThat(BearerHeader.parse("bearer tok").token()).isEqualTo("tok");
        assertThat(BearerHeader.parse("BEARER tok").token()).isEqualTo("tok");
        assertThat(BearerHeader.parse("bEaReR tok").token()).isEqualTo("tok");
    }

    @Test
    void missingHeaderIsAProblemNamingTheExpectedForm() {
        assertThat(BearerHeader.parse(null).ok()).isFalse();
        assertThat(BearerHeader.parse(null).problem()).contains("missing Authorization header").contains("Bearer");
        assertThat(BearerHeader.parse("").ok()).isFalse();
    }

    @Test
    void otherSchemesAndMalformedTokensAreRefused() {
        assertThat(BearerHeader.parse("Basic dXNlcjpwYXNz").problem()).contains("only the Bearer scheme");
        assertThat(BearerHeader.parse("Bearer").problem()).contains("only the Bearer scheme");
        assertThat(BearerHeader.parse("Bearertok").ok()).isFalse();
        assertThat(BearerHeader.parse("Bearer ").problem()).contains("malformed bearer token");
        assertThat(BearerHeader.parse("Bearer  tok").ok()).as("two spaces").isFalse();
        assertThat(BearerHeader.parse("Bearer tok ").ok()).as("trailing space").isFalse();
        assertThat(BearerHeader.parse("Bearer tok extra").ok()).isFalse();
        assertThat(BearerHeader.parse("Bearer tok\r\nX-Injected: 1").ok()).isFalse();
        assertThat(BearerHeader.parse("Bearer tok,tok2").ok()).isFalse();
        assertThat(BearerHeader.parse("Bearer \"tok\"").ok()).isFalse();
        assertThat(BearerHeader.parse("Bearer t=ok").ok()).as("padding only at the end").isFalse();
        assertThat(BearerHeader.parse("Bearer tök").ok()).isFalse();
        assertThat(BearerHeader.parse(" Bearer tok").ok()).isFalse();
    }

    @Test
    void lengthIsBounded() {
        String prefix = "Bearer ";
        String atLimit = prefix + "a".repeat(8 * 1024 - prefix.length());
        assertThat(BearerHeader.parse(atLimit).ok()).isTrue();
        String overLimit = atLimit + "a";
        assertThat(BearerHeader.parse(overLimit).problem()).contains("longer than 8192 characters");
    }

    @Test
    void problemsNeverEchoTheCredential() {
        String secret = "s3cr3t-value-that-must-not-leak";
        assertThat(BearerHeader.parse("Basic " + secret).problem()).doesNotContain(secret);
        assertThat(BearerHeader.parse("Bearer " + secret + " x").problem()).doesNotContain(secret);
    }
}
