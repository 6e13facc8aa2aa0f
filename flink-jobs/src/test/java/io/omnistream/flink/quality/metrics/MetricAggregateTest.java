package io.omnistream.flink.quality.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MetricAggregateTest {

    /** A query with hit@1 = hit, ndcg@5 = ndcg and every other metric 0. */
    static QueryMetrics query(double hit, double ndcg) {
        return new QueryMetrics(true, hit, 0, 0, ndcg, 0, 0, 0, 0, 0, 0, 0);
    }

    private static MetricAggregate of(QueryMetrics... queries) {
        MetricAggregate aggregate = MetricAggregate.empty();
        for (QueryMetrics q : queries) {
            aggregate = aggregate.plus(q);
        }
        return aggregate;
    }

    @Test
    void meanIsSumOverCount() {
        MetricAggregate agg = of(query(1, 0.5), query(0, 0.25), query(1, 0.0));

        assertThat(agg.count(MetricName.HIT_AT_1)).isEqualTo(3);
        assertThat(agg.sum(MetricName.HIT_AT_1)).isEqualTo(2.0);                           // 1 + 0 + 1
        assertThat(agg.mean(MetricName.HIT_AT_1).getAsDouble()).isCloseTo(2.0 / 3.0, within(1e-15));
        assertThat(agg.mean(MetricName.NDCG_AT_5).getAsDouble()).isEqualTo(0.25);         // 0.75 / 3
        assertThat(agg.mean(MetricName.MRR_AT_10).getAsDouble()).isEqualTo(0.0);
        assertThat(MetricAggregate.empty().mean(MetricName.HIT_AT_1)).isEmpty();
    }

    @Test
    void mergeIsAssociativeCommutativeWithEmptyAsIdentity() {
        MetricAggregate a = of(query(1, 0.1));
        MetricAggregate b = of(query(0, 0.2), query(1, 0.3));
        MetricAggregate c = of(query(1, 0.7), query(0, 0.6), query(0, 0.9));

        MetricAggregate left = a.merge(b).merge(c);
        MetricAggregate right = a.merge(b.merge(c));

        assertThat(left).isEqualTo(right);
        assertThat(b.merge(a)).isEqualTo(a.merge(b));
        assertThat(a.merge(MetricAggregate.empty())).isEqualTo(a);
        assertThat(MetricAggregate.empty().merge(a)).isEqualTo(a);
        // hand: 6 queries, hit@1 = 1+0+1+1+0+0 = 3 -> 0.5; ndcg@5 = 0.1+0.2+0.3+0.7+0.6+0.9 = 2.8 -> 2.8/6
        assertThat(left.count(MetricName.HIT_AT_1)).isEqualTo(6);
        assertThat(left.mean(MetricName.HIT_AT_1).getAsDouble()).isEqualTo(0.5);
        assertThat(left.mean(MetricName.NDCG_AT_5).getAsDouble()).isCloseTo(2.8 / 6.0, within(1e-15));
        // merging equals adding all queries to one aggregate
        assertThat(left).isEqualTo(of(query(1, 0.1), query(0, 0.2), query(1, 0.3), query(1, 0.7), query(0, 0.6),
                query(0, 0.9)));
    }

    @Test
    void compensatedSumIsExactWhereAPlainSumIsNot() {
        // 0.1 added ten times in plain doubles gives 0.9999999999999999; the compensated sum gives 1.0,
        // whether added in one aggregate or merged from two halves.
        MetricAggregate whole = MetricAggregate.empty();
        MetricAggregate firstHalf = MetricAggregate.empty();
        MetricAggregate secondHalf = MetricAggregate.empty();
        for (int i = 0; i < 10; i++) {
            whole = whole.plus(query(0, 0.1));
            if (i < 3) {
                firstHalf = firstHalf.plus(query(0, 0.1));
            } else {
                secondHalf = secondHalf.plus(query(0, 0.1));
            }
        }

        assertThat(whole.sum(MetricName.NDCG_AT_5)).isEqualTo(1.0);
        assertThat(firstHalf.merge(secondHalf).sum(MetricName.NDCG_AT_5)).isEqualTo(1.0);
        assertThat(whole.mean(MetricName.NDCG_AT_5).getAsDouble()).isEqualTo(0.1);
    }

    @Test
    void countsQueriesWithoutRelevantItems() {
        QueryMetrics nothingRelevant = new QueryMetrics(false, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0);
        MetricAggregate agg = of(query(1, 1.0), nothingRelevant).merge(of(nothingRelevant));

        assertThat(agg.queriesWithoutRelevant()).isEqualTo(2);
        assertThat(agg.count(MetricName.RECALL_AT_10)).isEqualTo(3);
        // recall@10: 0 + 1 + 1 over 3 queries (counted, VLM2Vec-style)
        assertThat(agg.mean(MetricName.RECALL_AT_10).getAsDouble()).isCloseTo(2.0 / 3.0, within(1e-15));
    }
}
