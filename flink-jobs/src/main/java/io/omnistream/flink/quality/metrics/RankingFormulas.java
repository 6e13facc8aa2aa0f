package io.omnistream.flink.quality.metrics;

/**
 * The per-query formulas at one cutoff {@code k}. Ranks are 1-based; "top k" is the first {@code min(k, size)}
 * candidates, so a {@code k} larger than the list simply uses the whole list. See the package documentation for
 * the source of each formula.
 */
final class RankingFormulas {

    private static final double LN_2 = Math.log(2.0);

    private RankingFormulas() {
    }

    /** 1 if a relevant item is in the top k, else 0 (also 0 when nothing is relevant). */
    static double hitAtK(RankedList ranking, Judgments judgments, int k) {
        return firstRelevantRank(ranking, judgments, k) > 0 ? 1.0 : 0.0;
    }

    /** {@code 1/rank} of the first relevant item within the top k, else 0 (also 0 when nothing is relevant). */
    static double reciprocalRankAtK(RankedList ranking, Judgments judgments, int k) {
        int rank = firstRelevantRank(ranking, judgments, k);
        return rank > 0 ? 1.0 / rank : 0.0;
    }

    /**
     * Relevant items in the top k over all relevant items of the query. 1.0 when nothing is relevant (VLM2Vec's
     * {@code recall_at_k}: "all 0 relevant items were recalled").
     */
    static double recallAtK(RankedList ranking, Judgments judgments, int k) {
        if (!judgments.hasRelevant()) {
            return 1.0;
        }
        int found = 0;
        int cutoff = Math.min(k, ranking.size());
        for (int rank = 1; rank <= cutoff; rank++) {
            if (judgments.isRelevant(ranking.idAt(rank))) {
                found++;
            }
        }
        return (double) found / judgments.relevantCount();
    }

    /**
     * DCG of the top k over the ideal DCG. The ideal ranking is the query's relevant grades sorted descending, cut
     * at k (not at the list length: relevant items missing from the list still count against the ranking). 0 when
     * nothing is relevant.
     */
    static double ndcgAtK(RankedList ranking, Judgments judgments, int k, Gain gain) {
        int idealCutoff = Math.min(k, judgments.relevantCount());
        double idealDcg = 0.0;
        for (int rank = 1; rank <= idealCutoff; rank++) {
            idealDcg += gain.of(judgments.idealGrade(rank - 1)) * discount(rank);
        }
        if (idealDcg == 0.0) {
            return 0.0;
        }
        double dcg = 0.0;
        int cutoff = Math.min(k, ranking.size());
        for (int rank = 1; rank <= cutoff; rank++) {
            int grade = judgments.relevance(ranking.idAt(rank));
            if (grade > 0) {
                dcg += gain.of(grade) * discount(rank);
            }
        }
        return dcg / idealDcg;
    }

    /** {@code 1 / log2(rank + 1)}: 1 at rank 1, 1/log2(3) at rank 2, 0.5 at rank 3. */
    static double discount(int rank) {
        return LN_2 / Math.log(rank + 1.0);
    }

    private static int firstRelevantRank(RankedList ranking, Judgments judgments, int k) {
        int cutoff = Math.min(k, ranking.size());
        for (int rank = 1; rank <= cutoff; rank++) {
            if (judgments.isRelevant(ranking.idAt(rank))) {
                return rank;
            }
        }
        return 0;
    }

    /** Gain of a relevance grade in DCG. */
    enum Gain {
        /** gain = grade (VLM2Vec "linear", trec_eval ndcg_cut). */
        LINEAR {
            @Override
            double of(int grade) {
                return grade;
            }
        },
        /** gain = 2^grade - 1 (VLM2Vec "exponential", Burges et al.). Equal to LINEAR for binary grades. */
        EXPONENTIAL {
            @Override
            double of(int grade) {
                return Math.pow(2.0, grade) - 1.0;
            }
        };

        abstract double of(int grade);
    }
}
