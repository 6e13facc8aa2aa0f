package io.omnistream.runtime.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentlySeenTest {
    @Test
    void sameIdSameHashIsDuplicateChangedHashIsNot() {
        RecentlySeen seen = new RecentlySeen(10);
        assertThat(seen.isDuplicate("a", "h1")).isFalse();
        seen.remember("a", "h1");
        assertThat(seen.isDuplicate("a", "h1")).isTrue();
        assertThat(seen.isDuplicate("a", "h2")).isFalse();
        assertThat(seen.isDuplicate("b", "h1")).isFalse();
        seen.remember("a", "h2");
        assertThat(seen.isDuplicate("a", "h1")).isFalse();
        assertThat(seen.isDuplicate("a", "h2")).isTrue();
    }

    @Test
    void evictsLeastRecentlyUsedBeyondCapacity() {
        RecentlySeen seen = new RecentlySeen(2);
        seen.remember("a", "1");
        seen.remember("b", "2");
        assertThat(seen.isDuplicate("a", "1")).isTrue(); // touches a: b is now eldest
        seen.remember("c", "3");
        assertThat(seen.size()).isEqualTo(2);
        assertThat(seen.isDuplicate("b", "2")).isFalse();
        assertThat(seen.isDuplicate("a", "1")).isTrue();
        assertThat(seen.isDuplicate("c", "3")).isTrue();
    }

    @Test
    void forgetAndZeroCapacity() {
        RecentlySeen seen = new RecentlySeen(5);
        seen.remember("a", "1");
        seen.forget("a");
        assertThat(seen.isDuplicate("a", "1")).isFalse();
        RecentlySeen off = new RecentlySeen(0);
        off.remember("a", "1");
        assertThat(off.isDuplicate("a", "1")).isFalse();
    }
}
