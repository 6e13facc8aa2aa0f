package io.omnistream.flink.quality.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JudgmentsTest {

    @Test
    void gradeAboveZeroIsRelevantAndUnjudgedIsZero() {
        Judgments j = Judgments.of(Map.of("a", 2, "b", 0, "c", 1));

        assertThat(j.relevance("a")).isEqualTo(2);
        assertThat(j.isRelevant("b")).isFalse(); // judged non-relevant
        assertThat(j.relevance("unjudged")).isZero();
        assertThat(j.relevantCount()).isEqualTo(2); // a and c
        assertThat(j.hasRelevant()).isTrue();
    }

    @Test
    void binaryHasSetSemantics() {
        Judgments j = Judgments.binary(List.of("a", "b", "a"));

        assertThat(j.relevantCount()).isEqualTo(2);
        assertThat(j.grades()).containsExactly(Map.entry("a", 1), Map.entry("b", 1));
    }

    @Test
    void onlyZeroGradesMeansNothingRelevant() {
        assertThat(Judgments.of(Map.of("a", 0)).hasRelevant()).isFalse();
        assertThat(Judgments.none().hasRelevant()).isFalse();
    }

    @Test
    void rejectsGradesOutOfRange() {
        assertThatThrownBy(() -> Judgments.of(Map.of("a", -1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Judgments.of(Map.of("a", Judgments.MAX_RELEVANCE + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
