package io.omnistream.encoder.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.runtime.error.FailureKind;
import io.omnistream.runtime.error.PermanentFailureException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UriPolicyTest {
    private static final String LITERALS = "127.0.0.1,169.254.169.254,10.1.2.3,172.16.5.4,192.168.1.1,100.64.1.1,"
            + "0.0.0.0,224.0.0.251,[::1],[fe80::1],[fd00::1],[::ffff:169.254.169.254],8.8.8.8,localhost,"
            + "media.example.com";

    private static UriPolicy policy(String hosts, boolean allowHttp, boolean allowPrivate) {
        return new UriPolicy(new FetchSettings(HostAllowList.parse(hosts), allowHttp, allowPrivate, 1024,
                Duration.ofSeconds(1), Duration.ofSeconds(2), 3, null, null));
    }

    private static PermanentFailureException refusal(UriPolicy policy, String uri) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> policy.check(uri));
        assertThat(t).as(uri).isInstanceOf(PermanentFailureException.class);
        assertThat(FailureClassifier.classify(t)).isEqualTo(FailureKind.PERMANENT);
        assertThat(((PermanentFailureException) t).stage()).isEqualTo("fetch");
        return (PermanentFailureException) t;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "https://127.0.0.1/a.png, loopback",
            "https://localhost/a.png, loopback",
            "https://169.254.169.254/latest/meta-data/, link-local 169.254.0.0/16",
            "https://10.1.2.3/a.png, private 10.0.0.0/8",
            "https://172.16.5.4/a.png, private 172.16.0.0/12",
            "https://192.168.1.1:8443/a.png, private 192.168.0.0/16",
            "https://100.64.1.1/a.png, carrier-grade NAT",
            "https://0.0.0.0/a.png, 0.0.0.0/8",
            "https://224.0.0.251/a.png, multicast",
            "https://[::1]/a.png, loopback ::1",
            "https://[fe80::1]/a.png, link-local fe80::/10",
            "https://[fd00::1]/a.png, unique local fc00::/7",
            "https://[::ffff:169.254.169.254]/a.png, link-local 169.254.0.0/16",
    })
    void refusesAllowListedHostsWithNonPublicAddresses(String uri, String range) {
        assertThat(refusal(policy(LITERALS, false, false), uri).getMessage()).contains(range)
                .contains("encoder.fetch.allow-private-addresses");
    }

    @Test
    void privateAddressesOnlyWithTheExplicitOption() {
        FetchTarget target = policy(LITERALS, false, true).check("https://127.0.0.1:8443/a/b.png?x=1&y=%20");
        assertThat(target.tls()).isTrue();
        assertThat(target.port()).isEqualTo(8443);
        assertThat(target.host()).isEqualTo("127.0.0.1");
        assertThat(target.addresses()).extracting(a -> a.getHostAddress()).containsExactly("127.0.0.1");
        assertThat(target.requestTarget()).isEqualTo("/a/b.png?x=1&y=%20");
        assertThat(target.hostHeader()).isEqualTo("127.0.0.1:8443");
        assertThat(policy(LITERALS, false, true).check("https://[::1]/").hostHeader()).isEqualTo("[::1]");
    }

    @Test
    void acceptsAPublicAllowListedAddress() {
        FetchTarget target = policy(LITERALS, false, false).check("https://8.8.8.8/img.jpg");
        assertThat(target.addresses()).extracting(a -> a.getHostAddress()).containsExactly("8.8.8.8");
        assertThat(target.port()).isEqualTo(443);
        assertThat(target.requestTarget()).isEqualTo("/img.jpg");
        assertThat(target.hostHeader()).isEqualTo("8.8.8.8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "file://localhost/etc/passwd", "ftp://media.example.com/a.png",
            "s3://bucket/a.png", "gs://bucket/a.png", "jar:https://media.example.com/a.jar!/a.png",
            "gopher://media.example.com:70/", "data:image/png;base64,iVBORw0KGgo=", "HTTP://media.example.com/a.png",
            "http://8.8.8.8/a.png", "//media.example.com/a.png", "/a.png", "a.png"})
    void refusesEverySchemeButHttps(String uri) {
        assertThat(refusal(policy(LITERALS, false, false), uri).getMessage()).containsAnyOf("scheme", "file:",
                "not an absolute hierarchical URI");
    }

    @Test
    void fileIsRefusedEvenWhenHttpIsAllowed() {
        assertThat(refusal(policy(LITERALS, true, true), "file:///etc/passwd").getMessage())
                .contains("file: URIs are never fetched");
    }

    @Test
    void httpOnlyWithTheExplicitOption() {
        assertThat(refusal(policy(LITERALS, false, false), "http://8.8.8.8/a.png").getMessage())
                .contains("scheme http is not allowed");
        FetchTarget target = policy(LITERALS, true, false).check("http://8.8.8.8/a.png");
        assertThat(target.tls()).isFalse();
        assertThat(target.port()).isEqualTo(80);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://user:secret@8.8.8.8/a.png", "https://user@8.8.8.8/a.png",
            "https://8.8.8.8@169.254.169.254/a.png", "https://:@8.8.8.8/a.png"})
    void refusesUserInfoWithoutEchoingIt(String uri) {
        String message = refusal(policy(LITERALS, false, false), uri).getMessage();
        assertThat(message).contains("user info in the URI is not allowed").doesNotContain("secret");
    }

    @Test
    void refusesHostsNotOnTheAllowList() {
        assertThat(refusal(policy("media.example.com", false, false), "https://8.8.4.4/a.png").getMessage())
                .contains("host 8.8.4.4 is not in encoder.fetch.allowed-hosts [media.example.com]");
        assertThat(refusal(policy("*.example.com", false, false), "https://example.com.evil.org/a.png").getMessage())
                .contains("is not in encoder.fetch.allowed-hosts");
    }

    @Test
    void emptyAllowListDisablesFetching() {
        assertThat(refusal(policy("", false, false), "https://8.8.8.8/a.png").getMessage())
                .isEqualTo("fetching uri media is disabled (encoder.fetch.allowed-hosts is empty)");
    }

    @Test
    void refusesOverlongAndInvalidUris() {
        String longUri = "https://8.8.8.8/" + "a".repeat(UriPolicy.MAX_URI_CHARS);
        assertThat(refusal(policy(LITERALS, false, false), longUri).getMessage()).contains("longer than 8192");
        assertThat(refusal(policy(LITERALS, false, false), "https://8.8.8.8/a b").getMessage())
                .contains("not a valid URI");
        assertThat(refusal(policy(LITERALS, false, false), "https:///a.png").getMessage()).contains("no (valid) host");
    }

    @Test
    void anUnresolvableNameIsTransient() {
        assertThatThrownBy(() -> policy("no-such-host.invalid", false, false).check("https://no-such-host.invalid/a"))
                .satisfies(t -> assertThat(FailureClassifier.classify(t)).isEqualTo(FailureKind.TRANSIENT));
    }
}
