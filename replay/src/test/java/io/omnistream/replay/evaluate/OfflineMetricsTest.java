package io.omnistream.replay.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.omnistream.flink.quality.metrics.Judgments;
import io.omnistream.flink.quality.metrics.MetricName;
import io.omnistream.flink.quality.metrics.QueryMetrics;
import io.omnistream.flink.quality.metrics.RankedList;
import io.omnistream.flink.quality.metrics.ScoredCandidate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OfflineMetricsTest {
    private static final double EPS = 1e-12;

    @Test
    void goldAtRankThreeOfTen() {
        List<String> ranking = List.of("x1", "x2", "gold", "x4", "x5", "x6", "x7", "x8", "x9", "x10");
        Map<String, Double> m = OfflineMetrics.score(ranking, Map.of("gold", 1));
        assertThat(m.get("hit@1")).isZero();
        assertThat(m.get("hit@5")).isEqualTo(1.0);
        assertThat(m.get("mrr@10")).isCloseTo(1.0 / 3, within(EPS));
        // DCG = 1/log2(4) = 0.5; IDCG = 1/log2(2) = 1
        assertThat(m.get("ndcg@10")).isCloseTo(0.5, within(EPS));
        assertThat(m.get("recall@1")).isZero();
        assertThat(m.get("recall@10")).isEqualTo(1.0);
    }

    @Test
    void gradedRelevanceWithLinearAndExponentialGain() {
        // ranking x, a(2), b(1). Linear: DCG = 2/log2(3) + 1/log2(4) = 1.261860 + 0.5; IDCG = 2/1 + 1/log2(3) = 2.630930
        // -> 0.669672. Exponential gains 3 and 1: DCG = 3/log2(3) + 1/2 = 2.392789; IDCG = 3 + 0.630930 -> 0.659002.
        Map<String, Double> m = OfflineMetrics.score(List.of("x", "a", "b"), Map.of("a", 2, "b", 1));
        assertThat(m.get("ndcg@10")).isCloseTo(0.669672, within(1e-6));
        assertThat(m.get("ndcg_exp@10")).isCloseTo(0.659002, within(1e-6));
        assertThat(m.get("recall@1")).isZero();
        assertThat(m.get("recall@5")).isEqualTo(1.0);
    }

    @Test
    void queryWithoutRelevantCandidateScoresZeroExceptRecall() {
        Map<String, Double> m = OfflineMetrics.score(List.of("a", "b"), Map.of("a", 0));
        assertThat(m.get("hit@10")).isZero();
        assertThat(m.get("ndcg@10")).isZero();
        assertThat(m.get("mrr@10")).isZero();
        assertThat(m.get("recall@10")).isEqualTo(1.0); // VLM2Vec's rule for an empty label list
    }

    @Test
    void kLargerThanTheCandidateSetUsesWhatIsThere() {
        // 3 candidates, relevant at rank 2 and one relevant item missing from the list:
        // DCG@10 = 1/log2(3) = 0.630930; IDCG@10 = 1 + 1/log2(3) = 1.630930 -> 0.386853; recall@10 = 1/2
        Map<String, Double> m = OfflineMetrics.score(List.of("x", "a", "y"), Map.of("a", 1, "missing", 1));
        assertThat(m.get("ndcg@10")).isCloseTo(0.386853, within(1e-6));
        assertThat(m.get("recall@10")).isEqualTo(0.5);
        assertThat(m.get("hit@10")).isEqualTo(1.0);
    }

    @Test
    void tiesAreOrderedByCandidateIdDescending() {
        List<String> ranked = OfflineMetrics.rank(List.of(Map.entry("a", 0.5), Map.entry("b", 0.5), Map.entry("c", 0.9),
                Map.entry("d", -0.0), Map.entry("e", 0.0)));
        assertThat(ranked).containsExactly("c", "b", "a", "e", "d");
        assertThatThrownBy(() -> OfflineMetrics.rank(List.of(Map.entry("a", 0.5), Map.entry("a", 0.4))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The offline reference and the Flink job's library are separate implementations of the same definitions; on
     * random rankings with tied scores and graded judgments they must agree on every metric.
     */
    @Test
    void agreesWithTheFlinkJobsIndependentImplementation() {
        Random random = new Random(42);
        for (int query = 0; query < 2000; query++) {
            int candidates = 1 + random.nextInt(30);
            List<Map.Entry<String, Double>> scored = new ArrayList<>();
            List<ScoredCandidate> flinkScored = new ArrayList<>();
            Map<String, Integer> grades = new HashMap<>();
            for (int c = 0; c < candidates; c++) {
                String id = "c" + random.nextInt(1000) + "-" + c;
                double score = Math.round(random.nextDouble() * 20) / 20.0; // coarse scores: many ties
                scored.add(Map.entry(id, score));
                flinkScored.add(new ScoredCandidate(id, score));
                if (random.nextInt(4) == 0) {
                    grades.put(id, random.nextInt(3)); // 0, 1 or 2
                }
            }
            if (random.nextInt(5) == 0) {
                grades.put("not-retrieved-" + query, 1 + random.nextInt(2));
            }
            Map<String, Double> offline = OfflineMetrics.score(OfflineMetrics.rank(scored), grades);
            QueryMetrics flink = QueryMetrics.compute(RankedList.of(flinkScored), Judgments.of(grades));
            for (MetricName name : MetricName.values()) {
                assertThat(offline.get(name.key())).as("query %d, %s", query, name.key())
                        .isCloseTo(flink.value(name), within(1e-12));
            }
        }
    }
}
