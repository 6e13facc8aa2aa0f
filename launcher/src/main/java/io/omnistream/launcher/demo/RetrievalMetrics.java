package io.omnistream.launcher.demo;

import java.util.List;
import java.util.Map;

/**
 * NDCG@k and Recall@k as BEIR/MTEB compute them (pytrec_eval): graded gains rel, discount log2(rank + 1), ideal DCG
 * from the query's judged documents; recall = relevant retrieved in the top k / relevant judged. A query without any
 * relevant judged document scores 0 (it is still counted in the mean).
 */
public final class RetrievalMetrics {
    private RetrievalMetrics() {}

    /** Mean NDCG@k and Recall@k of a run; rankings and judgments by query id. */
    public record Scores(int queries, double ndcgAtK, double recallAtK, int k) {}

    public static Scores evaluate(Map<String, List<String>> rankings, Map<String, Map<String, Integer>> judgments, int k) {
        double ndcg = 0;
        double recall = 0;
        for (var entry : rankings.entrySet()) {
            Map<String, Integer> relevance = judgments.getOrDefault(entry.getKey(), Map.of());
            ndcg += ndcgAtK(entry.getValue(), relevance, k);
            recall += recallAtK(entry.getValue(), relevance, k);
        }
        int n = rankings.size();
        return new Scores(n, n == 0 ? 0 : ndcg / n, n == 0 ? 0 : recall / n, k);
    }

    public static double ndcgAtK(List<String> ranking, Map<String, Integer> relevance, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            int rel = relevance.getOrDefault(ranking.get(i), 0);
            dcg += rel / (Math.log(i + 2) / Math.log(2));
        }
        List<Integer> ideal = relevance.values().stream().filter(r -> r > 0).sorted((a, b) -> b - a).toList();
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.size()); i++) {
            idcg += ideal.get(i) / (Math.log(i + 2) / Math.log(2));
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    public static double recallAtK(List<String> ranking, Map<String, Integer> relevance, int k) {
        long relevant = relevance.values().stream().filter(r -> r > 0).count();
        long found = ranking.stream().limit(k).filter(id -> relevance.getOrDefault(id, 0) > 0).count();
        return relevant == 0 ? 0 : (double) found / relevant;
    }
}
