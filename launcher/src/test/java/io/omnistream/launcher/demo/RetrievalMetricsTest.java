package io.omnistream.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-worked cases for the BEIR-style evaluator used by the demo and the SciFact integration test. */
class RetrievalMetricsTest {
    @Test
    void ndcgOfAPerfectRankingIsOne() {
        assertThat(RetrievalMetrics.ndcgAtK(List.of("a", "b", "x"), Map.of("a", 1, "b", 1), 10)).isEqualTo(1.0);
    }

    @Test
    void ndcgDiscountsByLog2OfRankPlusOne() {
        // gold at rank 2 only: DCG = 1/log2(3) = 0.6309; IDCG = 1
        assertThat(RetrievalMetrics.ndcgAtK(List.of("x", "a"), Map.of("a", 1), 10)).isCloseTo(0.63093, within(1e-5));
        // two gold, found at ranks 1 and 3: DCG = 1 + 1/2 = 1.5; IDCG = 1 + 1/log2(3) = 1.63093
        assertThat(RetrievalMetrics.ndcgAtK(List.of("a", "x", "b"), Map.of("a", 1, "b", 1), 10)).isCloseTo(0.91972, within(1e-5));
        assertThat(RetrievalMetrics.ndcgAtK(List.of("x", "y"), Map.of("a", 1), 1)).isZero();
    }

    @Test
    void recallCountsGoldInTopK() {
        assertThat(RetrievalMetrics.recallAtK(List.of("a", "x", "b"), Map.of("a", 1, "b", 1, "c", 1), 2)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(RetrievalMetrics.recallAtK(List.of("a", "x", "b"), Map.of("a", 1, "b", 1, "c", 1), 3)).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void evaluateAveragesOverQueriesIncludingOnesWithoutGold() {
        var scores = RetrievalMetrics.evaluate(
                Map.of("q1", List.of("a", "x"), "q2", List.of("x", "b"), "q3", List.of("x")),
                Map.of("q1", Map.of("a", 1), "q2", Map.of("b", 1)), 10);
        // (1 + 0.63093 + 0) / 3
        assertThat(scores.ndcgAtK()).isCloseTo(0.54364, within(1e-5));
        assertThat(scores.recallAtK()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(scores.queries()).isEqualTo(3);
    }
}
