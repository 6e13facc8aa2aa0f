package io.omnistream.launcher.it;

import java.util.List;
import java.util.Map;

/**
 * NDCG@k and Recall@k as BEIR/MTEB compute them (pytrec_eval): graded gains rel, discount log2(rank + 1), ideal DCG
 * from the query's judged documents; recall = relevant retrieved in the top k / relevant judged. Written here, in
 * the test, independently of any production metric code.
 */
final class RetrievalMetrics {
    private RetrievalMetrics() {}

    static double ndcgAtK(List<String> ranking, Map<String, Integer> relevance, int k) {
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

    static double recallAtK(List<String> ranking, Map<String, Integer> relevance, int k) {
        long relevant = relevance.values().stream().filter(r -> r > 0).count();
        long found = ranking.stream().limit(k).filter(id -> relevance.getOrDefault(id, 0) > 0).count();
        return relevant == 0 ? 0 : (double) found / relevant;
    }
}
