package io.omnistream.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The Prometheus rule files (prometheus/rules/*.yml) and rule unit-test files (prometheus/tests/*.yml), parsed. */
final class RuleFiles {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A recording rule ({@code record} set) or an alerting rule ({@code alert} set). */
    record Rule(Path file, String group, String record, String alert, String expr, String forDuration,
                Map<String, String> labels, Map<String, String> annotations) {
        String name() {
            return record != null ? record : alert;
        }

        String where() {
            return file.getFileName() + " group " + group + " rule " + name();
        }
    }

    /** One {@code alert_rule_test} case: the alert and whether it expects firing alerts. */
    record AlertCase(Path file, String alertname, String evalTime, boolean expectsFiring) {}

    private RuleFiles() {}

    static List<Path> ruleFiles() {
        return ymlFiles(Repo.rulesDir());
    }

    static List<Path> testFiles() {
        return ymlFiles(Repo.ruleTestsDir());
    }

    static List<Path> ymlFiles(Path dir) {
        return filesEndingWith(dir, ".yml");
    }

    static List<Path> filesEndingWith(Path dir, String extension) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(extension)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    static List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        for (Path file : ruleFiles()) {
            for (JsonNode group : read(file).path("groups")) {
                for (JsonNode r : group.path("rules")) {
                    rules.add(new Rule(file, group.path("name").asText(), text(r, "record"), text(r, "alert"),
                            text(r, "expr"), text(r, "for"), map(r.path("labels")), map(r.path("annotations"))));
                }
            }
        }
        return rules;
    }

    static List<String> groupNames() {
        List<String> names = new ArrayList<>();
        for (Path file : ruleFiles()) {
            read(file).path("groups").forEach(g -> names.add(g.path("name").asText()));
        }
        return names;
    }

    static List<AlertCase> alertCases() {
        List<AlertCase> cases = new ArrayList<>();
        for (Path file : testFiles()) {
            for (JsonNode test : read(file).path("tests")) {
                for (JsonNode c : test.path("alert_rule_test")) {
                    cases.add(new AlertCase(file, c.path("alertname").asText(), c.path("eval_time").asText(),
                            c.path("exp_alerts").size() > 0));
                }
            }
        }
        return cases;
    }

    /** Expressions of every {@code promql_expr_test}. */
    static List<String> exprTests() {
        List<String> exprs = new ArrayList<>();
        for (Path file : testFiles()) {
            for (JsonNode test : read(file).path("tests")) {
                test.path("promql_expr_test").forEach(c -> exprs.add(c.path("expr").asText()));
            }
        }
        return exprs;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Map<String, String> map(JsonNode node) {
        Map<String, String> m = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
