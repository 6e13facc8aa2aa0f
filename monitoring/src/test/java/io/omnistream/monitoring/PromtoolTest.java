package io.omnistream.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real promtool: {@code check rules}, {@code test rules} (prometheus/tests), {@code check config} of the
 * example configuration, and parses every dashboard query as a recording rule. Skipped when promtool is absent
 * (install it with monitoring/scripts/install-promtool.sh; CI does). The binary is {@code -Dpromtool=PATH}, else
 * {@code $PROMTOOL}, else promtool on the PATH.
 */
class PromtoolTest {
    private static final String PROMTOOL = locate();

    @BeforeEach
    void requirePromtool() {
        // per test, so that each is reported as skipped with the reason
        assumeTrue(PROMTOOL != null,
                "promtool not found (not on PATH, no -Dpromtool, no $PROMTOOL): run monitoring/scripts/install-promtool.sh");
    }

    private static String locate() {
        for (String configured : new String[] {System.getProperty("promtool"), System.getenv("PROMTOOL")}) {
            if (configured != null && !configured.isBlank()) {
                return Files.isExecutable(Path.of(configured)) ? configured : null;
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** Exit code and output (stdout + stderr) of promtool with {@code args}, run in the module directory. */
    private record Run(int exitCode, String output) {}

    private static Run promtool(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(PROMTOOL);
        command.addAll(args);
        Process p = new ProcessBuilder(command).directory(Repo.module().toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) { // a guard against a hung tool, not a timing assertion
            p.destroyForcibly();
            throw new IllegalStateException("promtool " + args + " did not finish");
        }
        return new Run(p.exitValue(), output);
    }

    private static List<String> paths(String first, String second, List<Path> files) {
        List<String> args = new ArrayList<>(List.of(first, second));
        files.forEach(f -> args.add(Repo.module().relativize(f).toString()));
        return args;
    }

    @Test
    void rulesPassCheckRules() throws Exception {
        Run run = promtool(paths("check", "rules", RuleFiles.ruleFiles()));
        assertThat(run.exitCode()).as(run.output()).isZero();
    }

    @Test
    void rulesPassTheirUnitTests() throws Exception {
        Run run = promtool(paths("test", "rules", RuleFiles.testFiles()));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void exampleConfigurationIsValidAndLoadsTheRules() throws Exception {
        Run run = promtool(List.of("check", "config", "prometheus/prometheus.example.yml"));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains(RuleFiles.ruleFiles().size() + " rule files found");
    }

    @Test
    void everyDashboardQueryParses(@TempDir Path tmp) throws Exception {
        ObjectNode root = RuleFiles.YAML.createObjectNode();
        ArrayNode groups = root.putArray("groups");
        int n = 0;
        for (Path file : Dashboards.files()) {
            JsonNode d = Dashboards.read(file);
            Set<String> vars = Dashboards.variableNames(d);
            ObjectNode group = groups.addObject().put("name", file.getFileName().toString());
            ArrayNode rules = group.putArray("rules");
            for (Dashboards.Query q : Dashboards.queries()) {
                if (q.file().equals(file)) {
                    rules.addObject().put("record", "dashboard_query_" + n++)
                            .put("expr", Dashboards.substitute(q.expr(), vars));
                }
            }
            for (Dashboards.LabelValues v : Dashboards.labelValues()) {
                if (v.file().equals(file)) {
                    rules.addObject().put("record", "dashboard_variable_" + n++)
                            .put("expr", Dashboards.substitute(v.selector(), vars));
                }
            }
        }
        assertThat(n).isGreaterThan(0);
        Path rulesFile = tmp.resolve("dashboard-queries.yml");
        RuleFiles.YAML.writeValue(rulesFile.toFile(), root);
        Run run = promtool(List.of("check", "rules", rulesFile.toString()));
        assertThat(run.exitCode()).as(run.output()).isZero();
    }

    @Test
    void promtoolFailsOnBrokenRulesAndOnAWrongExpectation(@TempDir Path tmp) throws Exception {
        // The checks above are only worth something if promtool reports failures through its exit code.
        Path broken = tmp.resolve("broken.yml");
        Files.writeString(broken, "groups:\n  - name: g\n    rules:\n      - record: r\n        expr: sum(rate(x[5m])\n");
        assertThat(promtool(List.of("check", "rules", broken.toString())).exitCode()).isNotZero();

        Path rules = tmp.resolve("ok.yml");
        Files.writeString(rules, "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: x > 1\n");
        Path test = tmp.resolve("wrong_test.yml");
        Files.writeString(test, """
                rule_files: [ok.yml]
                tests:
                  - interval: 1m
                    input_series:
                      - series: x
                        values: '5x5'
                    alert_rule_test:
                      - eval_time: 2m
                        alertname: A
                        exp_alerts: []
                """);
        assertThat(promtool(List.of("test", "rules", test.toString())).exitCode()).isNotZero();
    }
}
