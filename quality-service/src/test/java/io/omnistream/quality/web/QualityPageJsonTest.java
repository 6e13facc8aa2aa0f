package io.omnistream.quality.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.omnistream.quality.metrics.PipelineMonitor;
import io.omnistream.schemas.avro.DriftAlert;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.avro.RetrievalMetric;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityPageJsonTest {
    private static final String OLD = "bge@1";
    private static final String NEW = "bge@2";

    private static RetrievalMetric.Builder record(String scope, String task, String metric, String path, Integer epoch,
                                                  double value, long n, String model, long emittedAtMs) {
        return RetrievalMetric.newBuilder().setMetric(metric).setValue(value).setN(n).setScope(scope).setTaskId(task)
                .setMetaTask("retrieval").setQueryModality(Modality.TEXT).setTargetModality(Modality.TEXT)
                .setModelId("bge").setModelVersion(model).setPath(path).setEpoch(epoch)
                .setWindowStartMs(0).setWindowEndMs(1_000).setEmittedAtMs(emittedAtMs);
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static JsonNode series(JsonNode task, String metric, String path, String by) {
        return list(task.get("series")).stream()
                .filter(s -> s.get("metric").asText().equals(metric) && s.get("path").asText().equals(path)
                        && s.get("by").asText().equals(by))
                .findFirst().orElseThrow(() -> new AssertionError("no series " + metric + " " + path + " " + by));
    }

    @Test
    void qualityGroupsEpochAndWindowSeriesPerTaskInOrder() {
        List<RetrievalMetric> records = List.of(
                record("task", "t2", "hit@1", "exact", 1, 0.5, 10, NEW, 20).build(),
                record("task", "t2", "hit@1", "exact", 0, 0.4, 10, NEW, 10).build(),
                record("task", "t2", "hit@1", "served", 0, 0.3, 10, NEW, 11).build(),
                record("task", "t2", "ndcg@10", "exact", 0, 0.7, 10, NEW, 12).build(),
                record("window", "t2", "hit@1", "exact", null, 0.9, 3, NEW, 30)
                        .setWindowStartMs(60_000).setWindowEndMs(120_000).build(),
                record("window", "t2", "hit@1", "exact", null, 0.8, 4, NEW, 31)
                        .setWindowStartMs(0).setWindowEndMs(60_000).build(),
                record("task", "t1", "hit@1", "exact", 0, 0.1, 5, OLD, 5).build(),
                // other scopes are not quality series of a task
                record("meta_task", "t1", "hit@1", "exact", 0, 0.2, 5, OLD, 5).build(),
                record("modality_bias", "t1", "topk_share@1", "exact", null, 0.2, 5, OLD, 5).build(),
                // dead-letter summary
                record("task", "t2", "not_scored", "exact", 1, 3, 0, "*", 21).setDetail("decode failed").build());

        JsonNode json = QualityPageJson.quality(records);

        assertThat(list(json.get("tasks")).stream().map(t -> t.get("task").asText())).containsExactly("t1", "t2");
        JsonNode t1 = json.get("tasks").get(0);
        assertThat(t1.get("series")).hasSize(1);
        JsonNode t2 = json.get("tasks").get(1);
        assertThat(t2.get("modelVersion").asText()).isEqualTo(NEW);
        assertThat(list(t2.get("series")).stream().map(s -> s.get("metric").asText() + " " + s.get("path").asText()
                + " " + s.get("by").asText()))
                .containsExactly("hit@1 exact epoch", "hit@1 exact window", "hit@1 served epoch", "ndcg@10 exact epoch");

        JsonNode exact = series(t2, "hit@1", "exact", "epoch");
        assertThat(list(exact.get("points")).stream().map(p -> p.get("epoch").asInt())).containsExactly(0, 1);
        assertThat(list(exact.get("points")).stream().map(p -> p.get("value").asDouble())).containsExactly(0.4, 0.5);
        assertThat(exact.get("points").get(0).get("n").asLong()).isEqualTo(10);

        JsonNode window = series(t2, "hit@1", "exact", "window");
        assertThat(list(window.get("points")).stream().map(p -> p.get("windowStartMs").asLong())).containsExactly(0L, 60_000L);
        assertThat(window.get("points").get(1).get("windowEndMs").asLong()).isEqualTo(120_000);

        assertThat(t2.get("notScored")).hasSize(1);
        assertThat(t2.get("notScored").get(0).get("deadLettered").asLong()).isEqualTo(3);
        assertThat(t2.get("notScored").get(0).get("reason").asText()).isEqualTo("decode failed");
    }

    @Test
    void aNonFiniteValueIsNull() {
        JsonNode json = QualityPageJson.quality(List.of(record("task", "t", "hit@1", "exact", 0, Double.NaN, 0, NEW, 1).build()));
        assertThat(json.get("tasks").get(0).get("series").get(0).get("points").get(0).get("value").isNull()).isTrue();
    }

    private static RetrievalMetric bias(String scope, String metric, Modality q, Modality t, double value, String model,
                                        long windowEndMs, long emittedAtMs) {
        return record(scope, "mixed", metric, "served", null, value, 8, model, emittedAtMs)
                .setQueryModality(q).setTargetModality(t).setWindowStartMs(windowEndMs - 60_000).setWindowEndMs(windowEndMs)
                .build();
    }

    @Test
    void biasShowsTheNewestValuePerCellOfTheNewestModel() {
        List<RetrievalMetric> records = List.of(
                bias("modality_bias", "topk_share@1", Modality.TEXT, Modality.IMAGE, 0.30, NEW, 120_000, 50),
                bias("modality_bias", "topk_share@1", Modality.TEXT, Modality.IMAGE, 0.20, NEW, 60_000, 40),
                bias("modality_bias", "topk_share@1", Modality.TEXT, Modality.TEXT, 0.70, NEW, 120_000, 50),
                bias("modality_bias", "topk_share@1", Modality.TEXT, Modality.TEXT, 0.99, OLD, 180_000, 10),
                bias("bias", "query_modality_bias@1", null, null, -0.1, NEW, 120_000, 50),
                // not bias data
                record("task", "mixed", "hit@1", "exact", 0, 0.5, 5, NEW, 5).build());

        JsonNode groups = QualityPageJson.bias(records).get("groups");

        assertThat(list(groups).stream().map(g -> g.get("metric").asText())).containsExactly("query_modality_bias@1", "topk_share@1");
        JsonNode share = groups.get(1);
        assertThat(share.get("group").asText()).isEqualTo("mixed");
        assertThat(share.get("modelVersion").asText()).isEqualTo(NEW);
        assertThat(share.get("windowEndMs").asLong()).isEqualTo(120_000);
        assertThat(list(share.get("cells")).stream().map(c -> c.get("queryModality").asText() + "->"
                + c.get("targetModality").asText() + "=" + c.get("value").asDouble()))
                .containsExactly("TEXT->TEXT=0.7", "TEXT->IMAGE=0.3");
        JsonNode headline = groups.get(0).get("cells").get(0);
        assertThat(headline.get("queryModality").isNull()).isTrue();
        assertThat(headline.get("targetModality").isNull()).isTrue();
        assertThat(headline.get("epoch").isNull()).isTrue();
    }

    @Test
    void noBiasRecordsGiveNoGroups() {
        assertThat(QualityPageJson.bias(List.of(record("task", "t", "hit@1", "exact", 0, 0.5, 5, NEW, 5).build()))
                .get("groups")).isEmpty();
    }

    @Test
    void alertsCarryTheirFieldsAndLabels() {
        DriftAlert alert = DriftAlert.newBuilder().setAlertId("a").setMetric("hit@1").setModelVersion(NEW)
                .setDetector("ks").setStatistic(0.4).setThreshold(0.3).setDirection("down")
                .setLabels(Map.of("task", "t", "path", "exact")).setWindowStartMs(1).setWindowEndMs(2).setRaisedAtMs(3).build();

        JsonNode json = QualityPageJson.alerts(List.of(alert), 900_000);

        assertThat(json.get("activeForMs").asLong()).isEqualTo(900_000);
        JsonNode a = json.get("alerts").get(0);
        assertThat(a.get("alertId").asText()).isEqualTo("a");
        assertThat(a.get("statistic").asDouble()).isEqualTo(0.4);
        assertThat(a.get("labels").get("path").asText()).isEqualTo("exact");
        assertThat(a.get("referenceStartMs").isNull()).isTrue();
        assertThat(a.get("raisedAtMs").asLong()).isEqualTo(3);
    }

    @Test
    void pipelineCarriesRatesAndLag() {
        PipelineMonitor.Sample sample = new PipelineMonitor.Sample(123, Map.of("embedded", 40.0),
                Map.of("embedded", 2.0, "total", 2.0), List.of(new PipelineMonitor.Lag("g", "media.events.v1", 7)), null);

        JsonNode json = QualityPageJson.pipeline(sample, 5_000);

        assertThat(json.get("sampledAtMs").asLong()).isEqualTo(123);
        assertThat(json.get("intervalMs").asLong()).isEqualTo(5_000);
        assertThat(json.get("encoderEventsPerSecond").get("total").asDouble()).isEqualTo(2.0);
        assertThat(json.get("consumerLag").get(0).get("records").asLong()).isEqualTo(7);
        assertThat(json.get("lagError").isNull()).isTrue();
    }

    @Test
    void primaryMetricIsNdcgAt10WhenTheTaskHasItElseItsFirstMetricInReportOrder() {
        JsonNode json = QualityPageJson.quality(List.of(
                record("task", "a", "hit@1", "exact", 0, 0.5, 3, NEW, 1).build(),
                record("task", "a", "ndcg@10", "exact", 0, 0.6, 3, NEW, 1).build(),
                record("task", "b", "recall@10", "served", 0, 0.7, 3, NEW, 1).build(),
                record("task", "b", "hit@5", "served", 0, 0.8, 3, NEW, 1).build()));
        assertThat(json.get("tasks").get(0).get("primaryMetric").asText()).isEqualTo("ndcg@10");
        assertThat(json.get("tasks").get(1).get("primaryMetric").asText()).isEqualTo("hit@5");
    }
}
