package io.omnistream.replay.evaluate;

import io.omnistream.schemas.quality.QualityVocabulary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The offline reference: a small, plain-Java implementation of the retrieval metrics, written independently of the
 * Flink job's library ({@code io.omnistream.flink.quality.metrics}) so that each can check the other. Anyone can run
 * it on exported rankings with {@code ./omnistream evaluate-offline}.
 *
 * <p>Conventions (the same ones the Flink library documents; they come from VLM2Vec's {@code RankingMetrics} and
 * trec_eval):
 * <ul>
 *   <li>ranking: score descending; equal scores ordered by candidate id descending, compared by Unicode code point
 *       (trec_eval's rule, so results do not depend on arrival order);</li>
 *   <li>relevant = graded relevance &gt; 0; NDCG uses discount 1/log2(rank + 1), linear gain {@code rel}
 *       ({@code ndcg@k}) or exponential gain {@code 2^rel - 1} ({@code ndcg_exp@k}); ideal DCG from the judged grades,
 *       cut at k;</li>
 *   <li>k beyond the ranking's length: the whole ranking is used;</li>
 *   <li>a query with no relevant candidate: every metric 0 except recall@k = 1 (VLM2Vec's rule), and it is counted.</li>
 * </ul>
 */
public final class OfflineMetrics {
    /** The metric names, in report order. */
    public static final List<String> NAMES = QualityVocabulary.RETRIEVAL_METRICS;

    /** Score descending, then candidate id descending by code point. */
    static final Comparator<Map.Entry<String, Double>> ORDER = (a, b) -> {
        int byScore = Double.compare(b.getValue() + 0.0, a.getValue() + 0.0); // + 0.0 folds -0.0 into 0.0
        return byScore != 0 ? byScore : compareByCodePoint(b.getKey(), a.getKey());
    };

    private OfflineMetrics() {}

    /** Candidate ids in rank order. */
    public static List<String> rank(List<Map.Entry<String, Double>> scored) {
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(scored);
        sorted.sort(ORDER);
        List<String> ids = new ArrayList<>(sorted.size());
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, Double> e : sorted) {
            if (!seen.add(e.getKey())) {
                throw new IllegalArgumentException("candidate " + e.getKey() + " appears twice in one ranking");
            }
            ids.add(e.getKey());
        }
        return ids;
    }

    /** Every metric of {@link #NAMES} for one query, by name. */
    public static Map<String, Double> score(List<String> ranking, Map<String, Integer> grades) {
        List<Integer> relevantGrades = grades.values().stream().filter(g -> g > 0).sorted(Comparator.reverseOrder()).toList();
        Map<String, Double> out = new LinkedHashMap<>();
        boolean anyRelevant = !relevantGrades.isEmpty();
        for (int k : new int[] {1, 5, 10}) {
            out.put("hit@" + k, 0.0);
        }
        int firstRelevantRank = 0;
        for (int i = 0; i < ranking.size(); i++) {
            if (grades.getOrDefault(ranking.get(i), 0) > 0) {
                firstRelevantRank = i + 1;
                break;
            }
        }
        for (int k : new int[] {1, 5, 10}) {
            out.put("hit@" + k, firstRelevantRank > 0 && firstRelevantRank <= k ? 1.0 : 0.0);
        }
        for (int k : new int[] {5, 10}) {
            out.put("ndcg@" + k, ndcg(ranking, grades, relevantGrades, k, false));
            out.put("ndcg_exp@" + k, ndcg(ranking, grades, relevantGrades, k, true));
        }
        for (int k : new int[] {1, 5, 10}) {
            if (!anyRelevant) {
                out.put("recall@" + k, 1.0);
                continue;
            }
            int found = 0;
            for (int i = 0; i < Math.min(k, ranking.size()); i++) {
                if (grades.getOrDefault(ranking.get(i), 0) > 0) {
                    found++;
                }
            }
            out.put("recall@" + k, (double) found / relevantGrades.size());
        }
        out.put("mrr@10", firstRelevantRank > 0 && firstRelevantRank <= 10 ? 1.0 / firstRelevantRank : 0.0);
        Map<String, Double> ordered = new LinkedHashMap<>();
        NAMES.forEach(name -> ordered.put(name, out.get(name)));
        return ordered;
    }

    private static double ndcg(List<String> ranking, Map<String, Integer> grades, List<Integer> relevantGrades, int k,
                               boolean exponential) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            dcg += gain(grades.getOrDefault(ranking.get(i), 0), exponential) / log2(i + 2);
        }
        double ideal = 0;
        for (int i = 0; i < Math.min(k, relevantGrades.size()); i++) {
            ideal += gain(relevantGrades.get(i), exponential) / log2(i + 2);
        }
        return ideal == 0 ? 0 : dcg / ideal;
    }

    private static double gain(int grade, boolean exponential) {
        if (grade <= 0) {
            return 0;
        }
        return exponential ? Math.pow(2, grade) - 1 : grade;
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }

    static int compareByCodePoint(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
