package io.omnistream.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Grafana dashboards (grafana/dashboards/*.json), parsed, and the PromQL in them. */
final class Dashboards {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The data source of every panel, target and query variable: the import input / variable DS_PROMETHEUS. */
    static final String DATASOURCE_UID = "${DS_PROMETHEUS}";

    /** Grafana's global variables that may appear in PromQL, with a value of the right kind for checking. */
    private static final Map<String, String> BUILTINS = Map.of(
            "__rate_interval", "5m", "__interval", "1m", "__range", "1h", "__range_s", "3600",
            "__interval_ms", "60000", "__range_ms", "3600000");
    private static final Pattern VARIABLE = Pattern.compile(
            "\\$\\{(\\w+)(?::[^}]*)?}|\\[\\[(\\w+)(?::[^\\]]*)?]]|\\$(\\w+)");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*(\\w+)\\s*\\)\\s*$",
            Pattern.DOTALL);

    /** A PromQL query of a panel target. */
    record Query(Path file, int panelId, String panelTitle, String refId, String expr, String legendFormat,
                 JsonNode panel) {
        String where() {
            return file.getFileName() + " panel " + panelId + " \"" + panelTitle + "\" target " + refId;
        }
    }

    /** A query variable's {@code label_values(selector, label)}. */
    record LabelValues(Path file, String variable, String selector, String label) {
        String where() {
            return file.getFileName() + " variable " + variable;
        }
    }

    private Dashboards() {}

    static List<Path> files() {
        return RuleFiles.filesEndingWith(Repo.dashboardsDir(), ".json");
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("not valid JSON: " + file, e);
        }
    }

    /** Every panel, those inside rows included, rows themselves included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            all.add(p);
            p.path("panels").forEach(all::add);
        }
        return all;
    }

    static Set<String> variableNames(JsonNode dashboard) {
        Set<String> names = new LinkedHashSet<>();
        dashboard.path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
        return names;
    }

    static List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (Path file : files()) {
            for (JsonNode panel : panels(read(file))) {
                for (JsonNode t : panel.path("targets")) {
                    queries.add(new Query(file, panel.path("id").asInt(), panel.path("title").asText(),
                            t.path("refId").asText(), t.path("expr").asText(), t.path("legendFormat").asText(""),
                            panel));
                }
            }
        }
        return queries;
    }

    static List<LabelValues> labelValues() {
        List<LabelValues> result = new ArrayList<>();
        for (Path file : files()) {
            for (JsonNode v : read(file).path("templating").path("list")) {
                if (!v.path("type").asText().equals("query")) {
                    continue;
                }
                JsonNode q = v.path("query");
                String text = q.isObject() ? q.path("query").asText() : q.asText();
                Matcher m = LABEL_VALUES.matcher(text);
                if (!m.matches()) {
                    throw new IllegalArgumentException(file.getFileName() + " variable " + v.path("name").asText()
                            + ": only label_values(selector, label) is supported, got " + text);
                }
                result.add(new LabelValues(file, v.path("name").asText(), m.group(1), m.group(2)));
            }
        }
        return result;
    }

    /**
     * The expression with Grafana variables replaced: builtins by a value of their kind, the dashboard's own variables
     * by "1" (they are used inside label matcher strings and as k).
     *
     * @throws IllegalArgumentException for a variable the dashboard does not define
     */
    static String substitute(String expr, Set<String> variables) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String value = BUILTINS.get(name);
            if (value == null) {
                if (!variables.contains(name)) {
                    throw new IllegalArgumentException("undefined variable $" + name + " in: " + expr);
                }
                value = "1";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
