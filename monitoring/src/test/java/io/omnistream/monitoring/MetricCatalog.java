package io.omnistream.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every series name a rule or dashboard may select, with the label names it carries: what the code exports (read by
 * {@link ExportedMetrics}), what is pending (src/test/resources/metrics-pending.txt), what the recording rules
 * record, and Prometheus' own ALERTS. Target labels (job, instance and those prometheus.example.yml attaches) are
 * allowed on every series.
 */
final class MetricCatalog {
    /** Series Prometheus itself writes; their labels are those of the alerts, so they are not checked. */
    static final Set<String> PROMETHEUS_SERIES = Set.of("ALERTS", "ALERTS_FOR_STATE");

    private final Map<String, Set<String>> exported;
    private final Map<String, Set<String>> pending;
    private final Map<String, Set<String>> recorded;
    private final Set<String> targetLabels;
    private final Set<String> pendingUsed = new TreeSet<>();

    MetricCatalog(Map<String, Set<String>> exported, Map<String, Set<String>> pending,
                  List<RuleFiles.Rule> rules, Set<String> targetLabels) {
        this.exported = exported;
        this.pending = pending;
        this.targetLabels = targetLabels;
        this.recorded = new LinkedHashMap<>();
        rules.stream().filter(r -> r.record() != null).forEach(r -> recorded.put(r.record(), new LinkedHashSet<>()));
        // Recording rules read each other: repeat until their label sets stop growing.
        boolean changed = true;
        while (changed) {
            changed = false;
            for (RuleFiles.Rule r : rules) {
                if (r.record() == null) {
                    continue;
                }
                Set<String> labels = outputLabels(PromQl.analyze(r.expr()));
                if (labels == null) {
                    throw new IllegalStateException(r.where() + " records from a series with unchecked labels");
                }
                labels.addAll(r.labels().keySet());
                changed |= recorded.get(r.record()).addAll(labels);
            }
        }
    }

    /** The catalog of this repository. */
    static MetricCatalog load() {
        return new MetricCatalog(ExportedMetrics.read(Repo.root()).exposed(), readPending(), RuleFiles.rules(),
                targetLabels(Repo.module().resolve("prometheus/prometheus.example.yml")));
    }

    Map<String, Set<String>> exported() {
        return exported;
    }

    Map<String, Set<String>> pending() {
        return pending;
    }

    Map<String, Set<String>> recorded() {
        return recorded;
    }

    Set<String> targetLabels() {
        return targetLabels;
    }

    /** Pending names that a checked expression used, so far. */
    Set<String> pendingUsed() {
        return pendingUsed;
    }

    boolean known(String metric) {
        return exported.containsKey(metric) || pending.containsKey(metric) || recorded.containsKey(metric)
                || PROMETHEUS_SERIES.contains(metric);
    }

    /** Label names of a known series, target labels included; null when they are not checked (ALERTS). */
    Set<String> labelsOf(String metric) {
        if (PROMETHEUS_SERIES.contains(metric)) {
            return null;
        }
        Set<String> labels = new LinkedHashSet<>(targetLabels);
        Set<String> own = exported.containsKey(metric) ? exported.get(metric)
                : pending.containsKey(metric) ? pending.get(metric) : recorded.get(metric);
        labels.addAll(own);
        return labels;
    }

    /**
     * The label names an expression's result can carry: the {@code by} labels if it aggregates with {@code by},
     * else those of the series it selects (without {@code le} after histogram_quantile), plus labels it creates.
     * An approximation from above for expressions that mix both; null if it selects series with unchecked labels.
     */
    Set<String> outputLabels(PromQl.Analysis a) {
        Set<String> labels = new LinkedHashSet<>();
        if (!a.byLabels().isEmpty()) {
            labels.addAll(a.byLabels());
        } else {
            for (PromQl.Selector s : a.selectors()) {
                if (!known(s.metric())) {
                    continue;
                }
                Set<String> own = labelsOf(s.metric());
                if (own == null) {
                    return null;
                }
                labels.addAll(own);
            }
        }
        if (a.functions().contains("histogram_quantile")) {
            labels.remove("le");
        }
        labels.addAll(a.createdLabels());
        return labels;
    }

    /** What is wrong with the metric and label names of {@code expr} (empty if nothing). */
    List<String> problems(String expr, String where) {
        List<String> problems = new ArrayList<>();
        PromQl.Analysis a;
        try {
            a = PromQl.analyze(expr);
        } catch (PromQl.SyntaxError e) {
            return List.of(where + ": " + e.getMessage());
        }
        Set<String> available = new LinkedHashSet<>(targetLabels);
        available.addAll(a.createdLabels());
        boolean unchecked = false;
        for (PromQl.Selector s : a.selectors()) {
            if (!known(s.metric())) {
                problems.add(where + ": metric " + s.metric() + " is not exported by the code, not recorded by a rule"
                        + " and not listed in metrics-pending.txt");
                continue;
            }
            if (!exported.containsKey(s.metric()) && pending.containsKey(s.metric())) {
                pendingUsed.add(s.metric());
            }
            Set<String> labels = labelsOf(s.metric());
            if (labels == null) {
                unchecked = true;
                continue;
            }
            available.addAll(labels);
            for (PromQl.Matcher m : s.matchers()) {
                // label="" / label!="" ask whether a label is there (e.g. a threshold override's key): allowed
                if (!labels.contains(m.label()) && !m.label().equals("__name__") && !m.testsPresence()) {
                    problems.add(where + ": " + s.metric() + " has no label " + m.label() + " (it has " + labels + ")");
                }
            }
        }
        if (!unchecked) {
            for (String label : a.groupingLabels()) {
                if (!available.contains(label)) {
                    problems.add(where + ": grouping label " + label + " is on none of the selected series "
                            + a.metrics());
                }
            }
        }
        return problems;
    }

    /** name{label,label} lines of metrics-pending.txt; '#' starts a comment. */
    static Map<String, Set<String>> readPending() {
        Path file = Repo.module().resolve("src/test/resources/metrics-pending.txt");
        Pattern line = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([a-zA-Z0-9_, ]*)}");
        Map<String, Set<String>> pending = new LinkedHashMap<>();
        try {
            for (String raw : Files.readAllLines(file)) {
                String text = raw.replaceFirst("#.*", "").strip();
                if (text.isEmpty()) {
                    continue;
                }
                Matcher m = line.matcher(text);
                if (!m.matches()) {
                    throw new IllegalArgumentException(file + ": not name{label,...}: " + raw);
                }
                Set<String> labels = new LinkedHashSet<>();
                for (String l : m.group(2).split(",")) {
                    if (!l.isBlank()) {
                        labels.add(l.strip());
                    }
                }
                pending.put(m.group(1), labels);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pending;
    }

    /** job, instance, and the labels the example scrape configuration attaches (static labels, relabel targets). */
    static Set<String> targetLabels(Path prometheusConfig) {
        Set<String> labels = new LinkedHashSet<>(List.of("job", "instance"));
        JsonNode config = RuleFiles.read(prometheusConfig);
        for (JsonNode scrape : config.path("scrape_configs")) {
            for (JsonNode sc : scrape.path("static_configs")) {
                sc.path("labels").fieldNames().forEachRemaining(labels::add);
            }
            for (JsonNode r : scrape.path("relabel_configs")) {
                if (r.has("target_label")) {
                    labels.add(r.path("target_label").asText());
                }
            }
        }
        return labels;
    }
}
