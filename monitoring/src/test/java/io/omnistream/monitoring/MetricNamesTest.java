package io.omnistream.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every metric a rule or dashboard uses is exported by the code (or listed as pending, or recorded by a rule), and
 * every label it names is one that series carries. No tool needed.
 */
class MetricNamesTest {
    private static MetricCatalog catalog;

    @BeforeAll
    static void load() {
        catalog = MetricCatalog.load();
    }

    @AfterAll
    static void warnAboutPending() {
        // Not a failure: these land with parallel work; the integrator removes their lines from metrics-pending.txt.
        for (String name : catalog.pendingUsed()) {
            System.out.println("WARNING: " + name + " is used by rules/dashboards but not exported by the code yet"
                    + " (listed in monitoring/src/test/resources/metrics-pending.txt)");
        }
        for (String name : catalog.pending().keySet()) {
            if (catalog.exported().containsKey(name)) {
                System.out.println("WARNING: " + name + " is exported by the code now: remove it from metrics-pending.txt");
            }
        }
    }

    @Test
    void theCodeExportsTheMetricsThisModuleWasWrittenFor() {
        // A guard against the source reader finding nothing (and every check below passing for want of names).
        assertThat(catalog.exported()).containsKeys("omnistream_encoder_events_total",
                "omnistream_encoder_dlq_total", "omnistream_encoder_inference_seconds_bucket",
                "omnistream_encoder_execution_provider_info", "omnistream_encoder_cuda_fallback_total",
                "omnistream_sink_dlq_total", "omnistream_milvus_request_seconds_bucket",
                "omnistream_ingest_requests_total", "omnistream_retrieval_quality",
                "omnistream_retrieval_quality_queries", "omnistream_index_recall_loss",
                "omnistream_benchmark_task_not_scored");
    }

    @Test
    void ruleExpressionsUseKnownMetricsAndLabels() {
        List<String> problems = new ArrayList<>();
        for (RuleFiles.Rule r : RuleFiles.rules()) {
            problems.addAll(catalog.problems(r.expr(), r.where()));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void ruleTestExpressionsUseKnownMetricsAndLabels() {
        List<String> problems = new ArrayList<>();
        for (String expr : RuleFiles.exprTests()) {
            problems.addAll(catalog.problems(expr, "promql_expr_test"));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void dashboardQueriesUseKnownMetricsAndLabels() {
        List<String> problems = new ArrayList<>();
        for (Dashboards.Query q : Dashboards.queries()) {
            Set<String> vars = Dashboards.variableNames(Dashboards.read(q.file()));
            problems.addAll(catalog.problems(Dashboards.substitute(q.expr(), vars), q.where()));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void dashboardVariablesReadKnownMetricsAndLabels() {
        List<String> problems = new ArrayList<>();
        for (Dashboards.LabelValues v : Dashboards.labelValues()) {
            Set<String> vars = Dashboards.variableNames(Dashboards.read(v.file()));
            String selector = Dashboards.substitute(v.selector(), vars);
            problems.addAll(catalog.problems(selector, v.where()));
            PromQl.Analysis a = PromQl.analyze(selector);
            for (PromQl.Selector s : a.selectors()) {
                Set<String> labels = catalog.known(s.metric()) ? catalog.labelsOf(s.metric()) : Set.of();
                if (labels != null && !labels.contains(v.label())) {
                    problems.add(v.where() + ": " + s.metric() + " has no label " + v.label());
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void legendsAndAnnotationsNameLabelsTheExpressionKeeps() {
        List<String> problems = new ArrayList<>();
        Pattern legendLabel = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");
        for (Dashboards.Query q : Dashboards.queries()) {
            Set<String> vars = Dashboards.variableNames(Dashboards.read(q.file()));
            Set<String> out = catalog.outputLabels(PromQl.analyze(Dashboards.substitute(q.expr(), vars)));
            Matcher m = legendLabel.matcher(q.legendFormat());
            while (out != null && m.find()) {
                if (!out.contains(m.group(1))) {
                    problems.add(q.where() + ": legend {{" + m.group(1) + "}} but the result has only " + out);
                }
            }
        }
        Pattern annotationLabel = Pattern.compile("\\$labels\\.(\\w+)");
        for (RuleFiles.Rule r : RuleFiles.rules()) {
            Set<String> out = catalog.outputLabels(PromQl.analyze(r.expr()));
            for (Map.Entry<String, String> a : r.annotations().entrySet()) {
                Matcher m = annotationLabel.matcher(a.getValue());
                while (m.find()) {
                    if (!out.contains(m.group(1))) {
                        problems.add(r.where() + ": annotation " + a.getKey() + " uses $labels." + m.group(1)
                                + " but the alert has only " + out);
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theChecksCatchAWrongNameAndAWrongLabel() {
        // The checks above pass on good input; here they must complain about bad input.
        assertThat(catalog.problems("rate(omnistream_encoder_event_total[5m])", "typo")).singleElement()
                .asString().contains("omnistream_encoder_event_total is not exported");
        assertThat(catalog.problems("sum by (reason) (rate(omnistream_encoder_dlq_total{reason=\"x\"}[5m]))", "label"))
                .hasSize(2);
        assertThat(catalog.problems("omnistream_encoder_execution_provider{model=\"m\"}", "info without _info"))
                .hasSize(1);
        assertThat(catalog.problems("omnistream_encoder_inference_seconds{model=\"m\"}", "histogram without _bucket"))
                .hasSize(1);
        assertThat(catalog.problems("omnistream_encoder_inference_seconds_bucket{le=\"0.1\", gpu=\"true\"}", "ok"))
                .isEmpty();
    }
}
