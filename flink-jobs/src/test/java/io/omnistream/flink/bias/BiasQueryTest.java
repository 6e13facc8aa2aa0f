package io.omnistream.flink.bias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BiasQueryTest {

    @Test
    void resultsAreRankedByScoreThenIdDescendingWhateverTheInputOrder() {
        BiasQuery q = BiasQuery.builder("q", "TEXT")
                .result("a", "TEXT", 0.5)
                .result("c", "IMAGE", 0.9)
                .result("b", "VIDEO", 0.5)   // ties with "a": "b" > "a" by code point, so "b" ranks first
                .result("z", "AUDIO", -0.0)  // -0.0 and 0.0 tie; "z" > "y"
                .result("y", "AUDIO", 0.0)
                .build();

        assertThat(q.results()).extracting(RankedResult::candidateId).containsExactly("c", "b", "a", "z", "y");
        assertThat(q.results().get(3).score()).isEqualTo(0.0);
    }

    @Test
    void top1PredicatesLookAtTheFirstRankOnly() {
        BiasQuery q = BiasQuery.builder("q", "TEXT").targetModality("IMAGE").gold("i1", "IMAGE")
                .result("t1", "TEXT", 0.8).result("i1", "IMAGE", 0.7).build();
        assertThat(q.top1HasTargetModality()).isFalse();
        assertThat(q.top1IsGold()).isFalse();

        BiasQuery empty = BiasQuery.builder("q", "TEXT").targetModality("IMAGE").gold("i1", "IMAGE").build();
        assertThat(empty.top1HasTargetModality()).isFalse();
        assertThat(empty.top1IsGold()).isFalse();

        BiasQuery noTarget = BiasQuery.builder("q", "TEXT").result("i1", "IMAGE", 1.0).build();
        assertThat(noTarget.top1HasTargetModality()).isFalse();
        assertThat(noTarget.instructionApplied()).isTrue(); // default
    }

    @Test
    void rejectsInconsistentInput() {
        assertThatThrownBy(() -> BiasQuery.builder("q", "TEXT").result("a", "TEXT", 1).result("a", "IMAGE", 0.5)
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> BiasQuery.builder("q", "TEXT").gold("i", "IMAGE").result("i", "TEXT", 1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gold");
        assertThatThrownBy(() -> BiasQuery.builder("q", "TEXT").gold("i", "IMAGE").gold("i", "VIDEO"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BiasQuery.builder("q", "PHOTO")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BiasQuery.builder(" ", "TEXT")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BiasQuery.builder("q", "TEXT").targetModality("image"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BiasQuery.builder("q", "TEXT").result("a", "TEXT", Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BiasQuery.builder("q", "TEXT").queryVector(new float[] {1f, Float.NaN}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void queryVectorIsCopiedInAndOut() {
        float[] v = {1f, 2f};
        BiasQuery q = BiasQuery.builder("q", "TEXT").queryVector(v).build();
        v[0] = 9f;
        float[] out = q.queryVector();
        out[1] = 9f;
        assertThat(q.queryVector()).containsExactly(1f, 2f);
    }
}
