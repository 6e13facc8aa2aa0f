package io.omnistream.replay.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores exported rankings against judgments with {@link OfflineMetrics}, producing the same report shape as
 * {@code ./omnistream replay --report}: {@code {task: {path: {metric: mean, "queries": n}}}}.
 *
 * <p>Rankings: JSON lines {@code {"task", "query_id", "epoch", "path", "ranking": [[candidate_id, score], ...]}}.
 * Judgments: a TSV with a header, either BEIR's three columns {@code query-id corpus-id score} (applied to every
 * task) or four columns {@code task query-id corpus-id score}. Only one epoch is scored per task: the one asked for,
 * or the latest one present.
 */
public final class OfflineEvaluator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANY_TASK = "";

    /** One exported ranking line. */
    public record Ranking(String task, String queryId, int epoch, String path, List<Map.Entry<String, Double>> scored) {}

    private OfflineEvaluator() {}

    public static List<Ranking> readRankings(Path file) throws IOException {
        List<Ranking> rankings = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException e) {
                    throw new IllegalArgumentException(file + ":" + number + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""));
                }
                for (String field : List.of("task", "query_id", "ranking")) {
                    if (!node.hasNonNull(field)) {
                        throw new IllegalArgumentException(file + ":" + number + ": missing field '" + field + "'");
                    }
                }
                List<Map.Entry<String, Double>> scored = new ArrayList<>();
                for (JsonNode pair : node.get("ranking")) {
                    if (!pair.isArray() || pair.size() != 2 || !pair.get(1).isNumber()) {
                        throw new IllegalArgumentException(file + ":" + number + ": ranking entries must be [candidate_id, score]");
                    }
                    scored.add(new AbstractMap.SimpleImmutableEntry<>(pair.get(0).asText(), pair.get(1).asDouble()));
                }
                rankings.add(new Ranking(node.get("task").asText(), node.get("query_id").asText(),
                        node.path("epoch").asInt(0), node.path("path").asText("exact"), scored));
            }
        }
        return rankings;
    }

    /** Judgments by task ({@code ""} = any task) → query id → candidate id → grade. */
    public static Map<String, Map<String, Map<String, Integer>>> readQrels(Path file) throws IOException {
        Map<String, Map<String, Map<String, Integer>>> qrels = new HashMap<>();
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + ": empty judgments file");
        }
        int columns = lines.get(0).split("\t").length;
        if (columns != 3 && columns != 4) {
            throw new IllegalArgumentException(file + ": expected a header with 3 (query-id corpus-id score) or 4 "
                    + "(task query-id corpus-id score) tab-separated columns, got " + columns);
        }
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] f = lines.get(i).split("\t");
            if (f.length != columns) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected " + columns + " columns, got " + f.length);
            }
            String task = columns == 4 ? f[0] : ANY_TASK;
            int o = columns == 4 ? 1 : 0;
            int grade;
            try {
                grade = Integer.parseInt(f[o + 2].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": score '" + f[o + 2] + "' is not an integer");
            }
            qrels.computeIfAbsent(task, t -> new HashMap<>()).computeIfAbsent(f[o], q -> new HashMap<>()).put(f[o + 1], grade);
        }
        return qrels;
    }

    /**
     * @param epoch the epoch to score, or null for the latest epoch of each task
     * @return task → path → metric means plus {@code "queries"} (sorted for stable output)
     */
    public static Map<String, Map<String, Map<String, Object>>> evaluate(List<Ranking> rankings,
            Map<String, Map<String, Map<String, Integer>>> qrels, Integer epoch) {
        Map<String, Integer> chosenEpoch = new HashMap<>();
        for (Ranking r : rankings) {
            if (epoch == null) {
                chosenEpoch.merge(r.task(), r.epoch(), Math::max);
            } else {
                chosenEpoch.put(r.task(), epoch);
            }
        }
        Map<String, Map<String, double[]>> sums = new TreeMap<>();
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        for (Ranking r : rankings) {
            if (r.epoch() != chosenEpoch.get(r.task())) {
                continue;
            }
            Map<String, Map<String, Integer>> taskQrels = qrels.getOrDefault(r.task(), qrels.getOrDefault(ANY_TASK, Map.of()));
            Map<String, Double> scores = OfflineMetrics.score(OfflineMetrics.rank(r.scored()),
                    taskQrels.getOrDefault(r.queryId(), Map.of()));
            double[] sum = sums.computeIfAbsent(r.task(), t -> new TreeMap<>())
                    .computeIfAbsent(r.path(), p -> new double[QualityVocabulary.RETRIEVAL_METRICS.size()]);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += scores.get(QualityVocabulary.RETRIEVAL_METRICS.get(i));
            }
            counts.computeIfAbsent(r.task(), t -> new TreeMap<>()).merge(r.path(), 1, Integer::sum);
        }
        Map<String, Map<String, Map<String, Object>>> report = new TreeMap<>();
        sums.forEach((task, byPath) -> byPath.forEach((path, sum) -> {
            int n = counts.get(task).get(path);
            Map<String, Object> metrics = new java.util.LinkedHashMap<>();
            for (int i = 0; i < sum.length; i++) {
                metrics.put(QualityVocabulary.RETRIEVAL_METRICS.get(i), sum[i] / n);
            }
            metrics.put("queries", n);
            report.computeIfAbsent(task, t -> new TreeMap<>()).put(path, metrics);
        }));
        return report;
    }
}
