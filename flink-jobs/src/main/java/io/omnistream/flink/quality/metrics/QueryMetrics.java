package io.omnistream.flink.quality.metrics;

import io.omnistream.flink.quality.metrics.RankingFormulas.Gain;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * All {@link MetricName metrics} of one query, each in {@code [0, 1]}. Immutable value.
 *
 * <p><b>Cutoffs.</b> Ranks are 1-based; "top k" is the first {@code min(k, list size)} candidates, so a list shorter
 * than {@code k} is used as it is (a 3-candidate list has {@code hit@10 = hit@5}). The ideal DCG of NDCG is cut at
 * {@code k} only, not at the list length: relevant items absent from the list still lower NDCG and recall.
 *
 * <p><b>Queries with nothing relevant</b> (no judged grade &gt; 0): {@link #hasRelevant()} is false, {@code hit},
 * {@code mrr} and both NDCGs are 0 and every {@code recall@k} is <b>1.0</b>, exactly as VLM2Vec's
 * {@code RankingMetrics} ({@code src/eval_utils/metrics.py}) scores an empty label list, so task means match MMEB
 * when such queries are counted. trec_eval instead leaves such queries out of its means; an aggregator that wants
 * that calls {@link MetricAggregate#plus} only for queries with {@code hasRelevant()} (it counts the others in
 * {@link MetricAggregate#queriesWithoutRelevant()} either way). A query whose relevant items are all missing from
 * the ranking is an ordinary miss: {@code hasRelevant()} is true and every metric, recall included, is 0.
 *
 * @param hasRelevant whether the judgments had at least one relevant item (grade &gt; 0)
 */
public record QueryMetrics(
        boolean hasRelevant,
        double hitAt1,
        double hitAt5,
        double hitAt10,
        double ndcgAt5,
        double ndcgAt10,
        double ndcgExpAt5,
        double ndcgExpAt10,
        double recallAt1,
        double recallAt5,
        double recallAt10,
        double mrrAt10) {

    /** @throws IllegalArgumentException if a value is NaN or outside {@code [0, 1]} */
    public QueryMetrics {
        double[] all = {hitAt1, hitAt5, hitAt10, ndcgAt5, ndcgAt10, ndcgExpAt5, ndcgExpAt10, recallAt1, recallAt5,
            recallAt10, mrrAt10};
        MetricName[] names = MetricName.values();
        for (int i = 0; i < all.length; i++) {
            if (!(all[i] >= 0.0 && all[i] <= 1.0)) {
                throw new IllegalArgumentException(names[i].key() + " = " + all[i] + " is outside [0, 1]");
            }
        }
    }

    /**
     * Scores one ranking against one query's judgments.
     *
     * @param ranking   the candidates in rank order (duplicates were already rejected by {@link RankedList})
     * @param judgments graded relevance; ids not in the ranking may be judged (they count towards recall and ideal DCG)
     */
    public static QueryMetrics compute(RankedList ranking, Judgments judgments) {
        Objects.requireNonNull(ranking, "ranking");
        Objects.requireNonNull(judgments, "judgments");
        return new QueryMetrics(
                judgments.hasRelevant(),
                RankingFormulas.hitAtK(ranking, judgments, 1),
                RankingFormulas.hitAtK(ranking, judgments, 5),
                RankingFormulas.hitAtK(ranking, judgments, 10),
                RankingFormulas.ndcgAtK(ranking, judgments, 5, Gain.LINEAR),
                RankingFormulas.ndcgAtK(ranking, judgments, 10, Gain.LINEAR),
                RankingFormulas.ndcgAtK(ranking, judgments, 5, Gain.EXPONENTIAL),
                RankingFormulas.ndcgAtK(ranking, judgments, 10, Gain.EXPONENTIAL),
                RankingFormulas.recallAtK(ranking, judgments, 1),
                RankingFormulas.recallAtK(ranking, judgments, 5),
                RankingFormulas.recallAtK(ranking, judgments, 10),
                RankingFormulas.reciprocalRankAtK(ranking, judgments, 10));
    }

    /** The value of one metric. */
    public double value(MetricName name) {
        return switch (name) {
            case HIT_AT_1 -> hitAt1;
            case HIT_AT_5 -> hitAt5;
            case HIT_AT_10 -> hitAt10;
            case NDCG_AT_5 -> ndcgAt5;
            case NDCG_AT_10 -> ndcgAt10;
            case NDCG_EXP_AT_5 -> ndcgExpAt5;
            case NDCG_EXP_AT_10 -> ndcgExpAt10;
            case RECALL_AT_1 -> recallAt1;
            case RECALL_AT_5 -> recallAt5;
            case RECALL_AT_10 -> recallAt10;
            case MRR_AT_10 -> mrrAt10;
        };
    }

    /** All values keyed by {@link MetricName#key()}, in {@link MetricName} order; unmodifiable. */
    public Map<String, Double> byKey() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (MetricName name : MetricName.values()) {
            out.put(name.key(), value(name));
        }
        return Collections.unmodifiableMap(out);
    }

    /** All values keyed by metric; unmodifiable. */
    public Map<MetricName, Double> asMap() {
        Map<MetricName, Double> out = new EnumMap<>(MetricName.class);
        for (MetricName name : MetricName.values()) {
            out.put(name, value(name));
        }
        return Collections.unmodifiableMap(out);
    }
}
