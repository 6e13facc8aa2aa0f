package io.omnistream.flink.quality.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RankedListTest {

    @Test
    void sortsUnsortedPairsByScoreDescending() {
        RankedList list = RankedList.builder().add("low", 0.1).add("high", 0.9).add("mid", 0.5).build();

        assertThat(list.ids()).containsExactly("high", "mid", "low");
        assertThat(list.idAt(1)).isEqualTo("high");
        assertThat(list.size()).isEqualTo(3);
    }

    @Test
    void tiesAreBrokenByCandidateIdDescendingLikeTrecEval() {
        // x, y, z all score 0.5, w scores 0.9. Rule: score desc, then id desc -> w, z, y, x.
        RankedList a = RankedList.builder().add("y", 0.5).add("w", 0.9).add("x", 0.5).add("z", 0.5).build();
        RankedList b = RankedList.builder().add("x", 0.5).add("z", 0.5).add("w", 0.9).add("y", 0.5).build();

        assertThat(a.ids()).containsExactly("w", "z", "y", "x");
        assertThat(b).isEqualTo(a); // arrival order does not matter
    }

    @Test
    void headKeepsTheFirstRanksInOrder() {
        RankedList list = RankedList.builder().add("c", 0.2).add("a", 0.9).add("b", 0.5).add("d", 0.1).build();

        assertThat(list.head(2).ids()).containsExactly("a", "b");
        assertThat(list.head(0).size()).isZero();
        assertThat(list.head(4)).isSameAs(list);
        assertThat(list.head(10)).isSameAs(list);
        assertThatThrownBy(() -> list.head(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void negativeZeroTiesWithZero() {
        // Double.compare(0.0, -0.0) > 0 would put "a" first; as a tie the id rule puts "b" (> "a") first.
        RankedList list = RankedList.builder().add("a", 0.0).add("b", -0.0).build();

        assertThat(list.ids()).containsExactly("b", "a");
    }

    @Test
    void idTieOrderIsByCodePointNotUtf16Unit() {
        // U+1F600 (surrogate pair D83D DE00) > U+FFFD by code point (and by UTF-8 bytes F0.. > EF..),
        // although String.compareTo says "\uD83D..." < "\uFFFD". Descending id -> the emoji first.
        String emoji = "\uD83D\uDE00";
        String replacement = "\uFFFD";
        RankedList list = RankedList.builder().add(replacement, 1.0).add(emoji, 1.0).build();

        assertThat(list.ids()).containsExactly(emoji, replacement);
    }

    @Test
    void rejectsDuplicateIds() {
        assertThatThrownBy(() -> RankedList.builder().add("a", 0.3).add("b", 0.2).add("a", 0.1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a'");
        assertThatThrownBy(() -> RankedList.of(List.of(new ScoredCandidate("a", 0.3), new ScoredCandidate("a", 0.3))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsNanScoresAndBlankIds() {
        assertThatThrownBy(() -> new ScoredCandidate("a", Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScoredCandidate(" ", 0.1)).isInstanceOf(IllegalArgumentException.class);
    }
}
