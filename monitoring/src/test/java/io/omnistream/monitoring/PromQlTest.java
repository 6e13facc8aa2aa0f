package io.omnistream.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lexical PromQL reading the name checks rely on: what it extracts, and what it refuses. */
class PromQlTest {
    @Test
    void findsSelectorsWithTheirMatchersAndTheGroupingLabels() {
        PromQl.Analysis a = PromQl.analyze("""
                histogram_quantile(0.99, sum by (model, le) (rate(omnistream_encoder_inference_seconds_bucket{model=~"m.*", le!=""}[5m])))
                  > on (model) group_left () model:threshold{}
                """);
        assertThat(a.metrics()).containsExactly("omnistream_encoder_inference_seconds_bucket", "model:threshold");
        assertThat(a.selectors().get(0).labels()).containsExactly("model", "le");
        assertThat(a.selectors().get(0).matchers().get(1).testsPresence()).isTrue();
        assertThat(a.groupingLabels()).containsExactly("model", "le");
        assertThat(a.byLabels()).containsExactly("model", "le");
        assertThat(a.functions()).containsExactly("histogram_quantile", "sum", "rate");
    }

    @Test
    void aggregationClauseAfterTheArgumentAndWithoutCountAsGrouping() {
        PromQl.Analysis a = PromQl.analyze("sum(rate(x_total[1m])) without (instance) / ignoring (job) sum(y) by (topic)");
        assertThat(a.metrics()).containsExactly("x_total", "y");
        assertThat(a.groupingLabels()).containsExactly("instance", "job", "topic");
        assertThat(a.byLabels()).containsExactly("topic");
    }

    @Test
    void keywordsNumbersStringsAndSubqueriesAreNotMetrics() {
        PromQl.Analysis a = PromQl.analyze(
                "max_over_time(deriv(lag[15m])[1h:5m]) > bool 1e3 and x offset 5m or vector(0) unless inf < 0x1f");
        assertThat(a.metrics()).containsExactly("lag", "x");
    }

    @Test
    void labelReplaceCreatesItsTargetLabel() {
        PromQl.Analysis a = PromQl.analyze("label_replace(up, \"host\", \"$1\", \"instance\", \"(.*):.*\")");
        assertThat(a.createdLabels()).containsExactly("host");
        assertThat(a.metrics()).containsExactly("up");
    }

    @Test
    void recordingRuleNamesWithColonsAreMetrics() {
        assertThat(PromQl.analyze(":omnistream_ingest_produce_seconds:p99_5m + a:b:c").metrics())
                .containsExactly(":omnistream_ingest_produce_seconds:p99_5m", "a:b:c");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "sum(rate(x[5m])",               // unclosed (
            "sum(rate(x[5m]))) ",            // extra )
            "x{a=\"1\"",                     // unclosed {
            "x[5m",                          // unclosed [
            "x{a=\"1)}",                     // unterminated string
            "rat(x[5m])",                    // unknown function
            "x{a=1}",                        // matcher value not a string
            "{a=\"1\"}",                     // no metric name
            "sum by model (x)",              // by without parentheses
            "rate(x[$__rate_interval])",     // unsubstituted Grafana variable
            "",
    })
    void refusesWhatCannotBeAnExpression(String expr) {
        assertThatThrownBy(() -> PromQl.analyze(expr)).isInstanceOf(PromQl.SyntaxError.class);
    }
}
