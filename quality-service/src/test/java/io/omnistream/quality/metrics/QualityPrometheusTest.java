package io.omnistream.quality.metrics;

import static io.omnistream.quality.view.QualityRecords.MODEL_VERSION;
import static io.omnistream.quality.view.QualityRecords.notScored;
import static io.omnistream.quality.view.QualityRecords.retrieval;
import static io.omnistream.quality.view.QualityRecords.servedOnly;
import static io.omnistream.quality.view.QualityRecords.value;
import static io.omnistream.quality.view.QualityRecords.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.quality.view.QualityMetricsView;
import io.omnistream.quality.view.QualityRecords;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.avro.RetrievalMetric;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QualityPrometheusTest {
    private static final String TASK = "coco-t2i";
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final QualityMetricsView view = new QualityMetricsView();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final QualityPrometheus gauges = new QualityPrometheus(view, registry);

    /** One sample line of the text exposition; a label that is absent reads as "". */
    record Sample(String name, Map<String, String> labels, double value) {
        String label(String name) {
            return labels.getOrDefault(name, "");
        }
    }

    @AfterEach
    void unregister() {
        gauges.close();
    }

    @Test
    void showsOnlyTheNewestEpochOfEachSeriesWithoutAnEpochLabel() throws IOException {
        retrieval(TASK, 1, "exact", 0.1, 30).forEach(view::accept);
        retrieval(TASK, 2, "exact", 0.6, 12).forEach(view::accept);

        List<Sample> quality = samples("omnistream_retrieval_quality");
        assertThat(quality).hasSize(11);
        Sample hitAt1 = quality.stream().filter(s -> s.label("metric").equals("hit@1")).findFirst().orElseThrow();
        assertThat(hitAt1.labels()).isEqualTo(Map.of("scope", "task", "task", TASK, "meta_task", QualityRecords.META_TASK,
                "modality_pair", "TEXT->IMAGE", "path", "exact", "model_version", MODEL_VERSION, "metric", "hit@1"));
        assertThat(hitAt1.value()).isEqualTo(0.6);
        assertThat(metricValue(quality, "mrr@10")).isEqualTo(value(0.6, 10));

        List<Sample> queries = samples("omnistream_retrieval_quality_queries");
        assertThat(queries).singleElement().satisfies(s -> {
            assertThat(s.value()).isEqualTo(12);
            assertThat(s.labels()).doesNotContainKey("metric");
        });
        assertThat(samples("omnistream_retrieval_quality_epoch")).singleElement().satisfies(s -> {
            assertThat(s.value()).isEqualTo(2);
            assertThat(s.labels()).isEqualTo(Map.of("task", TASK, "path", "exact", "model_version", MODEL_VERSION));
        });
        assertThat(scrape()).doesNotContain("epoch=");
    }

    @Test
    void notScoredShowsTheNewestEpochsDeadLetteredItems() throws IOException {
        view.accept(notScored("broken", 3, 7, "no encoder for modality IMAGE in model bge-small-en-v1.5"));
        // recovered: not scored in epoch 1, scored in epoch 2
        view.accept(notScored("recovered", 1, 5, "no encoder"));
        retrieval("recovered", 2, "exact", 0.5, 3).forEach(view::accept);
        retrieval("healthy", 1, "exact", 0.5, 3).forEach(view::accept);

        Map<String, Double> byTask = new HashMap<>();
        samples("omnistream_benchmark_task_not_scored").forEach(s -> byTask.put(s.label("task"), s.value()));
        assertThat(byTask).isEqualTo(Map.of("broken", 7.0, "recovered", 0.0));
        // not_scored is no quality value and its model "*" has no epoch series
        assertThat(samples("omnistream_retrieval_quality")).noneMatch(s -> s.label("metric").equals("not_scored"));
        assertThat(samples("omnistream_retrieval_quality_epoch")).noneMatch(s -> s.label("model_version").equals("*"));
    }

    @Test
    void recallLossIsExposedPerK() throws IOException {
        retrieval(TASK, 1, "served", 0.5, 9).forEach(view::accept);
        servedOnly(TASK, 1, 0.02, 9).forEach(view::accept);

        Map<String, Double> byK = new HashMap<>();
        samples("omnistream_index_recall_loss").forEach(s -> {
            assertThat(s.labels()).containsOnlyKeys("task", "model_version", "k").containsEntry("task", TASK);
            byK.put(s.label("k"), s.value());
        });
        assertThat(byK).isEqualTo(Map.of("1", value(0.02, 0), "5", value(0.02, 1), "10", value(0.02, 2)));
        assertThat(metricValue(samples("omnistream_retrieval_quality"), "ann_overlap@10")).isEqualTo(value(0.02, 3));
    }

    @Test
    void windowScopeShowsItsNewestWindow() throws IOException {
        view.accept(window(TASK, "hit@1", 120_000, 0.8, 4));
        view.accept(window(TASK, "hit@1", 60_000, 0.3, 9)); // an older window arriving late

        List<Sample> windows = samples("omnistream_retrieval_quality").stream()
                .filter(s -> s.label("scope").equals("window")).toList();
        assertThat(windows).singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(0.8));
    }

    @Test
    void missingFieldsAreEmptyLabels() throws IOException {
        view.accept(RetrievalMetric.newBuilder(retrieval(TASK, 1, "exact", 0.4, 3).get(0))
                .setScope("meta_task").setTaskId(null).setQueryModality(null).build());

        assertThat(samples("omnistream_retrieval_quality")).singleElement().satisfies(s -> {
            assertThat(s.label("task")).isEmpty();
            assertThat(s.label("modality_pair")).isEmpty();
            assertThat(s.label("meta_task")).isEqualTo(QualityRecords.META_TASK);
        });
    }

    @Test
    void driftChecksAreDetectorProgressNotQuality() throws IOException {
        view.accept(driftCheck(3));
        view.accept(driftCheck(4));
        assertThat(samples("omnistream_retrieval_quality")).isEmpty();
        assertThat(samples("omnistream_retrieval_quality_queries")).isEmpty();
        assertThat(samples("omnistream_drift_checked_epoch")).singleElement().satisfies(s -> {
            assertThat(s.value()).isEqualTo(4);
            assertThat(s.labels()).isEqualTo(Map.of("scope", "modality_bias", "task", TASK, "modality_pair", "TEXT->IMAGE",
                    "path", "exact", "model_id", "bge", "metric", "target_modality_accuracy"));
        });
    }

    @Test
    void everyGaugeHasHelpAndCloseUnregistersThem() throws IOException {
        retrieval(TASK, 1, "exact", 0.5, 3).forEach(view::accept);
        view.accept(notScored("broken", 1, 2, "no encoder"));
        retrieval(TASK, 1, "served", 0.5, 3).forEach(view::accept);
        servedOnly(TASK, 1, 0.0, 3).forEach(view::accept);
        view.accept(driftCheck(1));

        String text = scrape();
        for (String name : List.of("omnistream_retrieval_quality", "omnistream_retrieval_quality_queries",
                "omnistream_retrieval_quality_epoch", "omnistream_benchmark_task_not_scored", "omnistream_index_recall_loss",
                "omnistream_drift_checked_epoch")) {
            assertThat(text).contains("# HELP " + name + " ").contains("# TYPE " + name + " gauge");
        }

        gauges.close();
        assertThat(scrape()).doesNotContain("omnistream_");
        // the names are free again
        new QualityPrometheus(view, registry).close();
    }

    /** The bias job's record that a detector closed and tested epoch {@code epoch} of a modality_bias series. */
    private static RetrievalMetric driftCheck(int epoch) {
        return RetrievalMetric.newBuilder().setMetric("target_modality_accuracy").setValue(0.02).setN(12)
                .setScope("drift_check").setDetail("modality_bias").setTaskId(TASK).setQueryModality(Modality.TEXT)
                .setTargetModality(Modality.IMAGE).setModelId("bge").setModelVersion(MODEL_VERSION).setPath("exact")
                .setEpoch(epoch).setWindowStartMs(epoch * 1000L).setWindowEndMs(epoch * 1000L + 500)
                .setEmittedAtMs(epoch).build();
    }

    private static double metricValue(List<Sample> samples, String metric) {
        return samples.stream().filter(s -> s.label("metric").equals(metric)).findFirst().orElseThrow().value();
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Samples of exactly the metric {@code name} (not of names it is a prefix of). */
    private List<Sample> samples(String name) throws IOException {
        List<Sample> out = new ArrayList<>();
        for (String line : scrape().split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.matches() || !sample.group(1).equals(name)) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            out.add(new Sample(name, labels, Double.parseDouble(sample.group(3))));
        }
        return out;
    }
}
