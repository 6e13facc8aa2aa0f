package io.omnistream.encoder.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.config.ConfigException;
import org.junit.jupiter.api.Test;

class HostAllowListTest {

    @Test
    void exactHostsMatchCaseInsensitivelyAndWithoutTrailingDot() {
        HostAllowList list = HostAllowList.parse(" media.example.com , 203.0.113.7,[2001:db8::1]");
        assertThat(list.allows("media.example.com")).isTrue();
        assertThat(list.allows("MEDIA.Example.COM.")).isTrue();
        assertThat(list.allows("203.0.113.7")).isTrue();
        assertThat(list.allows("[2001:db8::1]")).isTrue();
        assertThat(list.allows("example.com")).isFalse();
        assertThat(list.allows("a.media.example.com")).isFalse();
        assertThat(list.allows("media.example.com.evil.org")).isFalse();
        assertThat(list.allows("evilmedia.example.com")).isFalse();
        assertThat(list.allows(null)).isFalse();
    }

    @Test
    void wildcardMatchesNamesStrictlyBelowTheSuffix() {
        HostAllowList list = HostAllowList.parse("*.cdn.example.com");
        assertThat(list.allows("a.cdn.example.com")).isTrue();
        assertThat(list.allows("a.b.cdn.example.com")).isTrue();
        assertThat(list.allows("cdn.example.com")).isFalse();
        assertThat(list.allows("evilcdn.example.com")).isFalse();
        assertThat(list.allows("a.cdn.example.com.evil.org")).isFalse();
    }

    @Test
    void blankMeansEmptyAndAllowsNothing() {
        assertThat(HostAllowList.parse("").isEmpty()).isTrue();
        assertThat(HostAllowList.parse(" , ").isEmpty()).isTrue();
        assertThat(HostAllowList.parse("").allows("localhost")).isFalse();
    }

    @Test
    void refusesEntriesThatAreNoHost() {
        assertThatThrownBy(() -> HostAllowList.parse("*")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'*'");
        assertThatThrownBy(() -> HostAllowList.parse("*.com")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("at least two labels");
        assertThatThrownBy(() -> HostAllowList.parse("https://media.example.com")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("https://media.example.com");
        assertThatThrownBy(() -> HostAllowList.parse("a*.example.com")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> HostAllowList.parse("user@example.com")).isInstanceOf(ConfigException.class);
    }
}
