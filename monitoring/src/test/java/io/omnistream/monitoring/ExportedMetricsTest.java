package io.omnistream.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.omnistream.monitoring.ExportedMetrics.Registration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The source reader behind the exported-names check: on the real sources (expected values read by hand from
 * WorkerMetrics, ProviderMetrics, QualityPrometheus) and on small sources that must be refused.
 */
class ExportedMetricsTest {
    private static final ExportedMetrics REAL = ExportedMetrics.read(Repo.root());

    @Test
    void everyMetricBuilderInTheMainCodeIsUnderstood() {
        assertThat(REAL.unreadable()).isEmpty();
    }

    @Test
    void readsBuilderChainsWithTheirTypeUnitAndLabels() {
        assertThat(REAL.registrations()).extracting(Registration::type, Registration::name, Registration::unit,
                        Registration::labels)
                .contains(
                        tuple("Counter", "omnistream_encoder_dlq_total", null,
                                List.of("model", "stage", "reason_class")),
                        tuple("Histogram", "omnistream_encoder_inference_seconds",
                                "SECONDS", List.of("model")),
                        tuple("Info", "omnistream_encoder_execution_provider", null,
                                List.of("model", "provider")),
                        tuple("Counter", "omnistream_ingest_duplicates_total", null,
                                List.of()));
    }

    @Test
    void readsMetricsRegisteredThroughAHelperMethod() {
        assertThat(REAL.registrations()).extracting(Registration::type, Registration::name, Registration::labels)
                .contains(
                        tuple("GaugeWithCallback", "omnistream_retrieval_quality",
                                List.of("scope", "task", "meta_task", "modality_pair", "path", "model_version", "metric")),
                        tuple("GaugeWithCallback", "omnistream_retrieval_quality_epoch",
                                List.of("task", "path", "model_version")),
                        tuple("GaugeWithCallback", "omnistream_index_recall_loss",
                                List.of("task", "model_version", "k")));
    }

    @Test
    void exposedNamesAreThoseOfTheRealClient() {
        Map<String, Set<String>> exposed = REAL.exposed();
        // Counter: the client strips and re-appends _total; Histogram: _bucket (with le), _count, _sum; Info: _info.
        assertThat(exposed).containsEntry("omnistream_encoder_events_total", Set.of("model", "outcome"))
                .containsEntry("omnistream_encoder_inference_seconds_bucket", Set.of("model", "le"))
                .containsEntry("omnistream_encoder_inference_seconds_count", Set.of("model"))
                .containsEntry("omnistream_encoder_inference_seconds_sum", Set.of("model"))
                .containsEntry("omnistream_encoder_execution_provider_info", Set.of("model", "provider"))
                .containsKey("omnistream_ingest_produce_seconds_bucket")
                .doesNotContainKeys("omnistream_encoder_execution_provider", "omnistream_encoder_inference_seconds",
                        "omnistream_encoder_events");
    }

    @Test
    void aBuilderWithoutLiteralNameIsReportedNotSkipped() {
        ExportedMetrics m = ExportedMetrics.readSources(Map.of("a/src/main/java/A.java", """
                class A {
                    static final String NAME = "omnistream_x_total";
                    Counter c = Counter.builder().name(NAME).labelNames("a").register(r);
                }
                """));
        assertThat(m.registrations()).isEmpty();
        assertThat(m.unreadable()).singleElement().asString().startsWith("a/src/main/java/A.java:3");
    }

    @Test
    void nonLiteralLabelNamesAreReportedNotGuessed() {
        ExportedMetrics m = ExportedMetrics.readSources(Map.of("A.java", """
                class A {
                    Counter c = Counter.builder().name("omnistream_x_total").labelNames(LABELS).register(r);
                    Gauge g(String name, List<String> labels) { return Gauge.builder().name(name).labelNames(labels.toArray(String[]::new)).register(r); }
                    void f() { g("omnistream_y", KNOWN_LABELS); }
                }
                """));
        assertThat(m.registrations()).isEmpty();
        assertThat(m.unreadable()).hasSize(2);
    }

    @Test
    void commentsAndLiteralsDoNotCount() {
        ExportedMetrics m = ExportedMetrics.readSources(Map.of("A.java", """
                class A {
                    // Counter.builder().name("omnistream_commented_total")
                    /* Gauge.builder().name("omnistream_block") */
                    String s = "Counter.builder().name(\\"omnistream_in_string\\")";
                    Histogram h = Histogram.builder() // the real one
                            .name("omnistream_h_seconds").unit(Unit.SECONDS).labelNames("op").register(r);
                }
                """));
        assertThat(m.unreadable()).isEmpty();
        assertThat(m.registrations()).extracting(Registration::name).containsExactly("omnistream_h_seconds");
        assertThat(ExportedMetrics.exposedSamples(m.registrations().get(0)))
                .containsOnlyKeys("omnistream_h_seconds_bucket", "omnistream_h_seconds_count", "omnistream_h_seconds_sum");
    }
}
