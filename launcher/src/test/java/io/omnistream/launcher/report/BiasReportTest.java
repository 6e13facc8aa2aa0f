package io.omnistream.launcher.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.omnistream.quality.view.QualityMetricsView;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.avro.RetrievalMetric;
import org.junit.jupiter.api.Test;

/** The "bias" key of the replay report: newest epoch per model version, all tasks vs per task, newest gap window. */
class BiasReportTest {

    private static RetrievalMetric bias(String version, String task, int epoch, String metric, Modality q, Modality r,
            double value) {
        return RetrievalMetric.newBuilder().setMetric(metric).setValue(value).setN(4).setScope("modality_bias")
                .setTaskId(task).setQueryModality(q).setTargetModality(r).setModelId("bge").setModelVersion(version)
                .setPath("exact").setEpoch(epoch).setWindowStartMs(10).setWindowEndMs(20).setEmittedAtMs(30).build();
    }

    private static RetrievalMetric gap(String version, long windowStart, double value) {
        return RetrievalMetric.newBuilder().setMetric("modality_gap_centroid_distance").setValue(value).setN(8)
                .setScope("modality_gap").setQueryModality(Modality.TEXT).setTargetModality(Modality.DOCUMENT)
                .setModelId("bge").setModelVersion(version).setPath("exact").setWindowStartMs(windowStart)
                .setWindowEndMs(windowStart + 60_000).setEmittedAtMs(windowStart + 60_001).build();
    }

    @Test
    void newestEpochPerVersionSplitIntoAllTasksAndTasks() {
        QualityMetricsView view = new QualityMetricsView();
        view.accept(bias("v1", null, 0, "target_modality_accuracy", null, null, 0.25));
        view.accept(bias("v1", null, 1, "target_modality_accuracy", null, null, 0.5));
        view.accept(bias("v1", "scifact-mixed", 1, "topk_share@1", Modality.TEXT, Modality.DOCUMENT, 0.75));
        view.accept(bias("v2", null, 1, "target_modality_accuracy", null, null, 1.0));
        view.accept(gap("v1", 0, 0.3));
        view.accept(gap("v1", 60_000, 0.4));
        view.accept(RetrievalMetric.newBuilder(bias("v1", "x", 1, "hit@1", null, null, 0.9)).setScope("task")
                .build()); // a quality record: not part of the bias report

        JsonNode bias = BiasReport.of(view);
        assertThat(bias.path("v1").path("epoch").asInt()).isEqualTo(1);
        assertThat(bias.path("v1").path("all_tasks").path("target_modality_accuracy").path("*->*").asDouble())
                .isEqualTo(0.5);
        assertThat(bias.path("v1").path("tasks").path("scifact-mixed").path("topk_share@1").path("TEXT->DOCUMENT")
                .asDouble()).isEqualTo(0.75);
        assertThat(bias.path("v1").path("tasks").has("x")).isFalse();
        assertThat(bias.path("v1").path("modality_gap").path("modality_gap_centroid_distance")
                .path("TEXT->DOCUMENT").asDouble()).isEqualTo(0.4);
        assertThat(bias.path("v2").path("all_tasks").path("target_modality_accuracy").path("*->*").asDouble())
                .isEqualTo(1.0);
    }
}
