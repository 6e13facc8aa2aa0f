package io.omnistream.flink.quality.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Hand-worked cases. Discounts used below: 1/log2(rank + 1) =
 * rank 1: 1, rank 2: 1/log2(3) = 0.6309297535714575, rank 3: 1/log2(4) = 0.5, rank 4: 1/log2(5) = 0.43067655807339306,
 * rank 7: 1/log2(8) = 1/3.
 */
class QueryMetricsTest {

    private static final Offset<Double> EPS = within(1e-12);
    private static final double D2 = 0.6309297535714575;
    private static final double D4 = 0.43067655807339306;

    /** A ranking in the given order (scores n, n-1, ..., 1, all distinct). */
    private static RankedList ranked(String... ids) {
        RankedList.Builder builder = RankedList.builder();
        for (int i = 0; i < ids.length; i++) {
            builder.add(ids[i], ids.length - i);
        }
        return builder.build();
    }

    private static final RankedList TEN = ranked("c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10");

    @Test
    void singleGoldAtRankThreeOfTen() {
        QueryMetrics m = QueryMetrics.compute(TEN, Judgments.binary(List.of("c3")));

        assertThat(m.hasRelevant()).isTrue();
        assertThat(m.hitAt1()).isEqualTo(0.0);  // rank 3 > 1
        assertThat(m.hitAt5()).isEqualTo(1.0);  // rank 3 <= 5
        assertThat(m.hitAt10()).isEqualTo(1.0);
        assertThat(m.mrrAt10()).isCloseTo(1.0 / 3.0, EPS);
        // DCG = 1/log2(4) = 0.5; IDCG = 1 (one relevant item at rank 1) -> 0.5
        assertThat(m.ndcgAt5()).isCloseTo(0.5, EPS);
        assertThat(m.ndcgAt10()).isCloseTo(0.5, EPS);
        // binary grade 1: exponential gain 2^1 - 1 = 1 = linear gain -> same 0.5
        assertThat(m.ndcgExpAt5()).isCloseTo(0.5, EPS);
        assertThat(m.ndcgExpAt10()).isCloseTo(0.5, EPS);
        assertThat(m.recallAt1()).isEqualTo(0.0);  // 0 of 1
        assertThat(m.recallAt5()).isEqualTo(1.0);  // 1 of 1
        assertThat(m.recallAt10()).isEqualTo(1.0);
    }

    @Test
    void gradedRelevanceLinearAndExponentialGainDiffer() {
        // ranking a, b, c, d, e; grades c = 2, a = 1 -> grade 1 at rank 1, grade 2 at rank 3.
        QueryMetrics m = QueryMetrics.compute(ranked("a", "b", "c", "d", "e"), Judgments.of(Map.of("c", 2, "a", 1)));

        // linear: DCG  = 1/1 + 2 * 0.5 = 2
        //         IDCG = ideal grades (2, 1): 2/1 + 1 * 0.6309297535714575 = 2.6309297535714575
        //         NDCG = 2 / 2.6309297535714575 = 0.7601875334318685
        assertThat(m.ndcgAt5()).isCloseTo(0.7601875334318685, EPS);
        assertThat(m.ndcgAt10()).isCloseTo(0.7601875334318685, EPS); // nothing else relevant beyond rank 5
        // exponential: gains 2^1 - 1 = 1 (a), 2^2 - 1 = 3 (c)
        //         DCG  = 1/1 + 3 * 0.5 = 2.5
        //         IDCG = 3/1 + 1 * 0.6309297535714575 = 3.6309297535714575
        //         NDCG = 2.5 / 3.6309297535714575 = 0.6885288809404666
        assertThat(m.ndcgExpAt5()).isCloseTo(0.6885288809404666, EPS);
        assertThat(m.ndcgExpAt10()).isCloseTo(0.6885288809404666, EPS);
        // any grade > 0 is relevant for hit/recall/mrr: a at rank 1
        assertThat(m.hitAt1()).isEqualTo(1.0);
        assertThat(m.mrrAt10()).isEqualTo(1.0);
        assertThat(m.recallAt1()).isEqualTo(0.5); // 1 of 2 (a, not c)
        assertThat(m.recallAt5()).isEqualTo(1.0); // 2 of 2
    }

    @Test
    void tiedScoresFollowTheIdDescendingRule() {
        // w 0.9; x, y, z tie at 0.5 -> order w, z, y, x; gold x is at rank 4.
        RankedList list = RankedList.builder().add("x", 0.5).add("y", 0.5).add("z", 0.5).add("w", 0.9).build();
        QueryMetrics m = QueryMetrics.compute(list, Judgments.binary(List.of("x")));

        assertThat(list.ids()).containsExactly("w", "z", "y", "x");
        assertThat(m.hitAt1()).isEqualTo(0.0);
        assertThat(m.hitAt5()).isEqualTo(1.0);
        assertThat(m.mrrAt10()).isCloseTo(0.25, EPS); // 1/4
        assertThat(m.ndcgAt5()).isCloseTo(D4, EPS);   // (1/log2(5)) / 1 = 0.43067655807339306
    }

    @Test
    void queryWithoutRelevantItemsScoresLikeVlm2Vec() {
        // VLM2Vec RankingMetrics on an empty label list: hit 0, mrr 0, ndcg 0 (DCG 0 / IDCG 1), recall 1.0.
        for (Judgments nothing : List.of(Judgments.none(), Judgments.of(Map.of("c1", 0, "c2", 0)))) {
            QueryMetrics m = QueryMetrics.compute(TEN, nothing);

            assertThat(m.hasRelevant()).isFalse();
            assertThat(m.hitAt1()).isEqualTo(0.0);
            assertThat(m.hitAt10()).isEqualTo(0.0);
            assertThat(m.mrrAt10()).isEqualTo(0.0);
            assertThat(m.ndcgAt10()).isEqualTo(0.0);
            assertThat(m.ndcgExpAt10()).isEqualTo(0.0);
            assertThat(m.recallAt1()).isEqualTo(1.0);
            assertThat(m.recallAt10()).isEqualTo(1.0);
        }
    }

    @Test
    void relevantItemsMissingFromTheRankingAreAnOrdinaryMiss() {
        QueryMetrics m = QueryMetrics.compute(TEN, Judgments.binary(List.of("elsewhere")));

        assertThat(m.hasRelevant()).isTrue();
        assertThat(m.asMap().values()).containsOnly(0.0); // recall 0 of 1 too
    }

    @Test
    void kLargerThanTheCandidateListUsesWhatIsThere() {
        RankedList three = ranked("a", "b", "c");

        // one relevant, b at rank 2: DCG@10 = 1/log2(3); IDCG@10 = 1 -> 0.6309297535714575
        QueryMetrics one = QueryMetrics.compute(three, Judgments.binary(List.of("b")));
        assertThat(one.ndcgAt10()).isCloseTo(D2, EPS);
        assertThat(one.hitAt10()).isEqualTo(1.0);
        assertThat(one.recallAt10()).isEqualTo(1.0);
        assertThat(one.mrrAt10()).isCloseTo(0.5, EPS);

        // relevant b (rank 2) and z (not in the list): the ideal ranking comes from the judgments, cut at k = 10,
        // not at the 3 listed candidates: IDCG = 1 + 0.6309297535714575 = 1.6309297535714575
        // NDCG@10 = 0.6309297535714575 / 1.6309297535714575 = 0.38685280723454163; recall@10 = 1 of 2
        QueryMetrics two = QueryMetrics.compute(three, Judgments.binary(List.of("b", "z")));
        assertThat(two.ndcgAt10()).isCloseTo(0.38685280723454163, EPS);
        assertThat(two.recallAt10()).isEqualTo(0.5);
    }

    @Test
    void idealDcgIsCutAtK() {
        // 6 relevant items at ranks 1..6 of 7. NDCG@5: DCG = IDCG = 1 + 0.631 + 0.5 + 0.431 + 0.387 (ranks 1..5)
        // -> exactly 1. An ideal cut at 6 (all relevant) instead of k = 5 would add 1/log2(7) = 0.356 to IDCG only
        // and give 2.949 / 3.305 = 0.892.
        QueryMetrics m = QueryMetrics.compute(ranked("r1", "r2", "r3", "r4", "r5", "r6", "n7"),
                Judgments.binary(List.of("r1", "r2", "r3", "r4", "r5", "r6")));

        assertThat(m.ndcgAt5()).isCloseTo(1.0, EPS);
        assertThat(m.ndcgAt10()).isCloseTo(1.0, EPS); // ranks 1..6 both sides
        assertThat(m.recallAt5()).isCloseTo(5.0 / 6.0, EPS);
        assertThat(m.recallAt10()).isEqualTo(1.0);
    }

    @Test
    void recallWithSeveralRelevantItems() {
        // relevant: c2 (rank 2), c4 (rank 4), c7 (rank 7), missing (not ranked) -> 4 relevant in all
        QueryMetrics m = QueryMetrics.compute(TEN, Judgments.binary(List.of("c2", "c4", "c7", "missing")));

        assertThat(m.recallAt1()).isEqualTo(0.0);   // rank 1 (c1) not relevant: 0/4
        assertThat(m.recallAt5()).isEqualTo(0.5);   // c2, c4: 2/4
        assertThat(m.recallAt10()).isEqualTo(0.75); // c2, c4, c7: 3/4
        assertThat(m.hitAt1()).isEqualTo(0.0);
        assertThat(m.hitAt5()).isEqualTo(1.0);
        assertThat(m.mrrAt10()).isCloseTo(0.5, EPS); // first relevant at rank 2
        // IDCG (4 relevant, cut at 5 or 10 = 4 items) = 1 + 0.6309297535714575 + 0.5 + 0.43067655807339306
        //      = 2.5616063116448506
        // NDCG@5  = (0.6309297535714575 + 0.43067655807339306) / 2.5616063116448506 = 0.4144299250118475
        // NDCG@10 = (0.6309297535714575 + 0.43067655807339306 + 1/3) / 2.5616063116448506 = 0.544556608342548
        assertThat(m.ndcgAt5()).isCloseTo(0.4144299250118475, EPS);
        assertThat(m.ndcgAt10()).isCloseTo(0.544556608342548, EPS);
    }

    @Test
    void emptyRankingScoresZero() {
        QueryMetrics m = QueryMetrics.compute(RankedList.empty(), Judgments.binary(List.of("a")));

        assertThat(m.asMap().values()).containsOnly(0.0);
    }

    @Test
    void valuesAreKeyedByWireName() {
        QueryMetrics m = QueryMetrics.compute(TEN, Judgments.binary(List.of("c3")));

        assertThat(m.byKey()).containsEntry("mrr@10", m.mrrAt10()).containsEntry("ndcg_exp@5", m.ndcgExpAt5())
                .hasSize(11);
        assertThat(m.value(MetricName.HIT_AT_5)).isEqualTo(m.hitAt5());
    }

    @Test
    void rejectsValuesOutsideTheUnitInterval() {
        assertThatThrownBy(() -> new QueryMetrics(true, 1.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hit@1");
        assertThatThrownBy(() -> new QueryMetrics(true, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mrr@10");
    }
}
