package io.omnistream.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What every rule must carry (for, severity, summary, description, a runbook that exists) and that the promtool unit
 * tests cover every alert firing and not firing and every recording rule. No tool needed; promtool itself runs in
 * {@link PromtoolTest}.
 */
class RulesTest {
    private static final List<RuleFiles.Rule> RULES = RuleFiles.rules();
    private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
    private static final Pattern DURATION = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+");
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private static List<RuleFiles.Rule> alerts() {
        return RULES.stream().filter(r -> r.alert() != null).toList();
    }

    private static List<RuleFiles.Rule> recordings() {
        return RULES.stream().filter(r -> r.record() != null).toList();
    }

    @Test
    void thereAreAlertsAndRecordingRules() {
        assertThat(alerts()).extracting(RuleFiles.Rule::alert).contains("OmnistreamRetrievalQualityLow",
                "OmnistreamServedRecallLossHigh", "OmnistreamDriftAlertActive", "OmnistreamEncoderDlqRatioHigh",
                "OmnistreamConsumerLagGrowing", "OmnistreamEncoderCudaFallback");
        assertThat(recordings()).isNotEmpty();
    }

    @Test
    void groupAndAlertNamesAreUniqueAndRecordNamesValid() {
        assertThat(RuleFiles.groupNames()).doesNotHaveDuplicates();
        assertThat(alerts()).extracting(RuleFiles.Rule::alert).doesNotHaveDuplicates()
                .allMatch(n -> n.matches("Omnistream[A-Z][A-Za-z0-9]+"), "Omnistream<CamelCase>");
        assertThat(recordings()).extracting(RuleFiles.Rule::record)
                .allMatch(n -> METRIC_NAME.matcher(n).matches() && n.contains(":"), "level:metric:operations");
    }

    @Test
    void everyAlertHasForSeveritySummaryDescriptionAndRunbook() {
        List<String> problems = new ArrayList<>();
        for (RuleFiles.Rule a : alerts()) {
            if (a.forDuration() == null || !DURATION.matcher(a.forDuration()).matches()) {
                problems.add(a.alert() + ": no valid for: (" + a.forDuration() + ")");
            }
            if (!SEVERITIES.contains(a.labels().get("severity"))) {
                problems.add(a.alert() + ": severity label must be one of " + SEVERITIES);
            }
            for (String annotation : List.of("summary", "description", "runbook_url")) {
                String value = a.annotations().get(annotation);
                if (value == null || value.isBlank()) {
                    problems.add(a.alert() + ": no " + annotation + " annotation");
                }
            }
            String runbook = "monitoring/README.md#" + a.alert().toLowerCase(Locale.ROOT);
            if (!runbook.equals(a.annotations().get("runbook_url"))) {
                problems.add(a.alert() + ": runbook_url must be " + runbook);
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyRunbookSectionExists() throws IOException {
        // GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes.
        Set<String> anchors = Files.readAllLines(Repo.readme()).stream()
                .filter(l -> l.startsWith("#"))
                .map(l -> l.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
        assertThat(alerts()).extracting(a -> a.alert().toLowerCase(Locale.ROOT)).allMatch(anchors::contains,
                "a heading in monitoring/README.md");
    }

    @Test
    void everyAlertIsTestedFiringAndNotFiring() {
        List<RuleFiles.AlertCase> cases = RuleFiles.alertCases();
        Set<String> firing = new HashSet<>();
        Set<String> silent = new HashSet<>();
        cases.forEach(c -> (c.expectsFiring() ? firing : silent).add(c.alertname()));
        assertThat(alerts()).extracting(RuleFiles.Rule::alert)
                .allMatch(firing::contains, "has an alert_rule_test case with exp_alerts")
                .allMatch(silent::contains, "has an alert_rule_test case with exp_alerts: []");
        // and no test names an alert that does not exist
        Set<String> names = alerts().stream().map(RuleFiles.Rule::alert).collect(Collectors.toSet());
        assertThat(cases).extracting(RuleFiles.AlertCase::alertname).allMatch(names::contains, "an existing alert");
    }

    @Test
    void everyRecordingRuleIsTested() {
        Set<String> tested = new HashSet<>();
        RuleFiles.exprTests().forEach(e -> tested.addAll(PromQl.analyze(e).metrics()));
        assertThat(recordings()).extracting(RuleFiles.Rule::record).allMatch(tested::contains,
                "read by a promql_expr_test");
    }

    @Test
    void everyThresholdIsUsed() {
        // A threshold nobody reads would be a knob that does nothing.
        Set<String> read = new HashSet<>();
        RULES.forEach(r -> read.addAll(PromQl.analyze(r.expr()).metrics()));
        assertThat(recordings()).extracting(RuleFiles.Rule::record)
                .filteredOn(n -> n.startsWith("omnistream:alert_threshold:") || n.endsWith(":threshold"))
                .isNotEmpty()
                .allMatch(read::contains, "read by another rule");
    }

    @Test
    void unitTestFilesLoadEveryRuleFileAndEvaluateThresholdsFirst() {
        Set<String> loaded = new HashSet<>();
        List<String> problems = new ArrayList<>();
        List<String> groups = RuleFiles.groupNames();
        for (Path test : RuleFiles.testFiles()) {
            var yaml = RuleFiles.read(test);
            yaml.path("rule_files").forEach(f -> loaded.add(test.getParent().resolve(f.asText()).normalize()
                    .getFileName().toString()));
            List<String> order = new ArrayList<>();
            yaml.path("group_eval_order").forEach(g -> order.add(g.asText()));
            if (!groups.containsAll(order)) {
                problems.add(test.getFileName() + ": group_eval_order names unknown groups");
            }
            // Alerts compare against thresholds and recorded series: those groups must run before in the same step.
            if (yaml.path("rule_files").toString().contains("omnistream-alerts.yml")
                    && !order.equals(groups.stream().sorted(RulesTest::evaluationRank).toList())) {
                problems.add(test.getFileName() + ": group_eval_order must list thresholds, recording, alert groups");
            }
        }
        assertThat(problems).isEmpty();
        assertThat(RuleFiles.ruleFiles()).extracting(p -> p.getFileName().toString()).allMatch(loaded::contains,
                "loaded by a test file");
    }

    /** thresholds (0) before recording groups (1) before alert groups (2); stable within a rank. */
    private static int evaluationRank(String a, String b) {
        return Integer.compare(rank(a), rank(b));
    }

    private static int rank(String group) {
        for (RuleFiles.Rule r : RULES) {
            if (r.group().equals(group)) {
                return r.file().getFileName().toString().contains("thresholds") ? 0 : r.alert() == null ? 1 : 2;
            }
        }
        return 3;
    }
}
