package io.omnistream.flink.quality.metrics;

import io.omnistream.schemas.quality.QualityVocabulary;


/**
 * The per-query metrics this package computes, with the exact key strings used on the metrics topic
 * ({@code RetrievalMetric.metric}) and in {@code Judgment.primaryMetric}.
 *
 * <p>Key mapping to VLM2Vec's score dictionary ({@code src/eval_utils/metrics.py}): {@code ndcg@k} is VLM2Vec's
 * {@code ndcg_linear@k}, {@code ndcg_exp@k} is {@code ndcg_exponential@k}; the other keys are identical.
 */
public enum MetricName {
    HIT_AT_1(QualityVocabulary.HIT_AT_1, Family.HIT, 1),
    HIT_AT_5(QualityVocabulary.HIT_AT_5, Family.HIT, 5),
    HIT_AT_10(QualityVocabulary.HIT_AT_10, Family.HIT, 10),
    NDCG_AT_5(QualityVocabulary.NDCG_AT_5, Family.NDCG, 5),
    NDCG_AT_10(QualityVocabulary.NDCG_AT_10, Family.NDCG, 10),
    NDCG_EXP_AT_5(QualityVocabulary.NDCG_EXP_AT_5, Family.NDCG_EXP, 5),
    NDCG_EXP_AT_10(QualityVocabulary.NDCG_EXP_AT_10, Family.NDCG_EXP, 10),
    RECALL_AT_1(QualityVocabulary.RECALL_AT_1, Family.RECALL, 1),
    RECALL_AT_5(QualityVocabulary.RECALL_AT_5, Family.RECALL, 5),
    RECALL_AT_10(QualityVocabulary.RECALL_AT_10, Family.RECALL, 10),
    MRR_AT_10(QualityVocabulary.MRR_AT_10, Family.MRR, 10);

    /** What a metric measures; {@code k} is the cutoff it is measured at. */
    public enum Family {
        /** 1 if a relevant item is in the top k, else 0. */
        HIT,
        /** NDCG with linear gain (gain = relevance grade). */
        NDCG,
        /** NDCG with exponential gain (gain = 2^grade - 1). */
        NDCG_EXP,
        /** Relevant items in the top k over all relevant items of the query. */
        RECALL,
        /** Reciprocal rank of the first relevant item within the top k, else 0. */
        MRR
    }

    private final String key;
    private final Family family;
    private final int k;

    MetricName(String key, Family family, int k) {
        this.key = key;
        this.family = family;
        this.k = k;
    }

    /** The wire name, e.g. {@code "ndcg_exp@10"}. */
    public String key() {
        return key;
    }

    public Family family() {
        return family;
    }

    /** The rank cutoff (1-based, inclusive). */
    public int k() {
        return k;
    }

    /**
     * Looks a metric up by its wire name.
     *
     * @throws IllegalArgumentException if no metric has that key (keys are case-sensitive)
     */
    public static MetricName fromKey(String key) {
        for (MetricName name : values()) {
            if (name.key.equals(key)) {
                return name;
            }
        }
        throw new IllegalArgumentException("unknown metric key '" + key + "'");
    }

    /** Whether {@code key} is the wire name of one of these metrics. */
    public static boolean isKey(String key) {
        for (MetricName name : values()) {
            if (name.key.equals(key)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return key;
    }
}
