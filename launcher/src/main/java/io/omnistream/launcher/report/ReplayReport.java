package io.omnistream.launcher.report;

import static io.omnistream.quality.view.QualityMetricNames.QUERIES;
import static io.omnistream.schemas.quality.QualityVocabulary.PATH_EXACT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omnistream.quality.view.QualityMetricsView.NotScored;
import io.omnistream.quality.view.QualityMetricsView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map.Entry;
import java.util.Map;
import java.util.Optional;

/**
 * The report of {@code ./omnistream replay}: {@code {task: {path: {metric: value, ..., "queries": n}}}}, the shape
 * {@code evaluate-offline} prints, so the two can be diffed. Taken from a {@link QualityMetricsView} once; later
 * records do not change it.
 *
 * <p>Per task and path, in the order asked for:
 * <ul>
 *   <li>scored: every metric the view has, in {@link QualityMetricNames#reportOrder report order} (the 11 retrieval
 *       metrics, then the served-only ones), then {@code "queries"}; if some of the task's items were also
 *       dead-lettered in the epoch, {@code "dead_lettered": k} follows;</li>
 *   <li>a task with no metrics on any path asked for but a not_scored record gets only
 *       {@code {"exact": {"status": "not scored", "reason": ..., "dead_lettered": k}}} (the path not_scored is
 *       reported on), never made-up zeros;</li>
 *   <li>otherwise a path without metrics is {@code {"status": "no results"}}.</li>
 * </ul>
 */
public final class ReplayReport {
    public static final String STATUS = "status";
    public static final String STATUS_NOT_SCORED = "not scored";
    public static final String STATUS_NO_RESULTS = "no results";
    public static final String REASON = "reason";
    public static final String DEAD_LETTERED = "dead_lettered";
    /** Top-level key of the bias job's metrics ({@link #withBias}). */
    public static final String BIAS = "bias";
    /** Columns of {@link #toText()} after task, path and queries. */
    private static final List<String> TEXT_METRICS = List.of("hit@1", "ndcg@10", "recall@10", "mrr@10");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode report;

    private ReplayReport(ObjectNode report) {
        this.report = report;
    }

    /** The report of the model version that emitted last for each task and path (see {@link QualityMetricsView#taskReport}). */
    public static ReplayReport of(QualityMetricsView view, List<String> taskIds, int epoch, List<String> paths) {
        return of(view, null, taskIds, epoch, paths);
    }

    /**
     * @param modelVersion the model version to report, or null for the one that emitted last per task and path
     * @param taskIds      tasks to report, in report order (duplicates reported once)
     * @param paths        paths to report ("exact", "served"), at least one
     */
    public static ReplayReport of(QualityMetricsView view, String modelVersion, List<String> taskIds, int epoch,
                                  List<String> paths) {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("no paths to report");
        }
        ObjectNode report = JSON.createObjectNode();
        for (String task : new LinkedHashSet<>(taskIds)) {
            report.set(task, taskNode(view, modelVersion, task, epoch, new LinkedHashSet<>(paths)));
        }
        return new ReplayReport(report);
    }

    private static ObjectNode taskNode(QualityMetricsView view, String modelVersion, String task, int epoch,
                                       LinkedHashSet<String> paths) {
        Optional<NotScored> notScored = view.notScored(task, epoch);
        ObjectNode node = JSON.createObjectNode();
        boolean anyScored = false;
        for (String path : paths) {
            Map<String, Object> metrics = view.taskReport(task, epoch, path, modelVersion);
            anyScored |= !metrics.isEmpty();
            node.set(path, metrics.isEmpty() ? JSON.createObjectNode().put(STATUS, STATUS_NO_RESULTS) : scoredNode(metrics, notScored));
        }
        if (!anyScored && notScored.isPresent()) {
            ObjectNode onlyNotScored = JSON.createObjectNode();
            onlyNotScored.putObject(PATH_EXACT)
                    .put(STATUS, STATUS_NOT_SCORED)
                    .put(REASON, notScored.get().reason())
                    .put(DEAD_LETTERED, notScored.get().deadLettered());
            return onlyNotScored;
        }
        return node;
    }

    private static ObjectNode scoredNode(Map<String, Object> metrics, Optional<NotScored> notScored) {
        ObjectNode node = JSON.createObjectNode();
        metrics.forEach((name, value) -> {
            if (value instanceof Long count) {
                node.put(name, count);
            } else if (value instanceof Double mean && Double.isFinite(mean)) {
                node.put(name, mean);
            } else {
                node.putNull(name); // NaN or infinity is not JSON
            }
        });
        notScored.ifPresent(ns -> node.put(DEAD_LETTERED, ns.deadLettered()));
        return node;
    }

    /**
     * The report with the bias job's metrics under the top-level key {@code "bias"} ({@link BiasReport#of}); the
     * report without them if {@code bias} is empty.
     */
    public ReplayReport withBias(ObjectNode bias) {
        ObjectNode copy = report.deepCopy();
        if (!bias.isEmpty()) {
            copy.set(BIAS, bias.deepCopy());
        }
        return new ReplayReport(copy);
    }

    /** A copy of the report as a JSON tree. */
    public ObjectNode toJson() {
        return report.deepCopy();
    }

    /** The report as indented JSON. */
    public String toJsonString() {
        try {
            return JSON.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of strings and numbers always serialises
        }
    }

    /** Writes {@link #toJsonString()} to {@code file}, replacing it; creates missing parent directories. */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toJsonString() + System.lineSeparator());
    }

    /**
     * One line per task and path: task, path, queries, hit@1, ndcg@10, recall@10, mrr@10 (4 decimals, "-" where
     * absent); a path without metrics shows its status (and for not scored: dead-lettered items and the reason).
     */
    public String toText() {
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("task", "path", QUERIES));
        header.addAll(TEXT_METRICS);
        rows.add(header.toArray(String[]::new));
        for (Entry<String, JsonNode> task : report.properties()) {
            if (task.getKey().equals(BIAS)) {
                continue; // the bias job's metrics are in the JSON only
            }
            for (Entry<String, JsonNode> path : task.getValue().properties()) {
                rows.add(textRow(task.getKey(), path.getKey(), path.getValue()));
            }
        }
        return table(rows);
    }

    private static String[] textRow(String task, String path, JsonNode result) {
        if (result.has(STATUS)) {
            String status = result.get(STATUS).asText();
            if (result.has(DEAD_LETTERED)) {
                status += ": " + result.get(DEAD_LETTERED).asLong() + " item(s) dead-lettered (" + result.path(REASON).asText() + ")";
            }
            return new String[] {task, path, status};
        }
        String[] row = new String[3 + TEXT_METRICS.size()];
        row[0] = task;
        row[1] = path;
        row[2] = result.path(QUERIES).asText("-");
        for (int i = 0; i < TEXT_METRICS.size(); i++) {
            JsonNode value = result.get(TEXT_METRICS.get(i));
            row[3 + i] = value == null || !value.isNumber() ? "-" : String.format(Locale.ROOT, "%.4f", value.asDouble());
        }
        return row;
    }

    /**
     * Left-aligned text columns, right-aligned numbers; a row shorter than the header (a status) runs its last cell
     * across the remaining columns.
     */
    private static String table(List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < row.length && (row.length == columns || c < row.length - 1); c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                boolean last = c == row.length - 1;
                if (c > 0) {
                    line.append("  ");
                }
                if (last && row.length < columns) {
                    line.append(row[c]);
                } else if (c < 2) {
                    line.append(String.format(Locale.ROOT, "%-" + width[c] + "s", row[c]));
                } else {
                    line.append(String.format(Locale.ROOT, "%" + width[c] + "s", row[c]));
                }
            }
            out.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return out.toString();
    }
}
