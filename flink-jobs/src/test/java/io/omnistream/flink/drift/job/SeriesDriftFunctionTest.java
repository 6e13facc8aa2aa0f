package io.omnistream.flink.drift.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.flink.quality.TaskMetric;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Page-Hinkley series detection through the Flink operator (delta 0.01, lambda 0.1, 5 samples, clear after 3). */
class SeriesDriftFunctionTest {

    private static KeyedOneInputStreamOperatorTestHarness<String, TaskMetric, DriftAlertEvent> harness()
            throws Exception {
        return harness(0);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, TaskMetric, DriftAlertEvent> harness(long closeIdleMs)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, TaskMetric, DriftAlertEvent> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new SeriesDriftFunction(0.01, 0.1, 5, 3, closeIdleMs)),
                        SeriesDriftFunction::key, Types.STRING);
        h.open();
        return h;
    }

    private static TaskMetric record(String version, int epoch, double value) {
        TaskMetric m = new TaskMetric();
        m.metric = "target_modality_accuracy";
        m.scope = "modality_bias";
        m.taskId = "scifact-mixed";
        m.path = "exact";
        m.queryModality = "TEXT";
        m.targetModality = "DOCUMENT";
        m.modelId = "bge";
        m.modelVersion = version;
        m.epoch = epoch;
        m.value = value;
        m.n = 12;
        m.windowStartMs = 1000L * epoch;
        m.windowEndMs = 1000L * epoch + 500;
        return m;
    }

    @Test
    void stepDownAcrossModelVersionsRaisesOneAlertThenClears() throws Exception {
        var h = harness();
        for (int epoch = 0; epoch < 8; epoch++) {
            h.processElement(record("v1", epoch, 0.2), 0); // a running value; only the epoch's last one counts
            h.processElement(record("v1", epoch, 0.70), 0);
        }
        assertThat(h.extractOutputValues()).isEmpty();
        // the new version (same model id: same series) drops to 0.50. Hand-worked: before it, p_t rose by delta per
        // sample to P = 0.08; the mean with 0.50 is (8 * 0.70 + 0.50) / 9 = 0.6778, so p drops by
        // 0.50 - 0.6778 + delta = -0.1678 below P and down = P - p = 0.1678 > lambda = 0.1: alarm DOWN when epoch 8 closes, i.e. when the first record of epoch 9 arrives.
        h.processElement(record("v2", 8, 0.50), 0);
        assertThat(h.extractOutputValues()).isEmpty();
        h.processElement(record("v2", 9, 0.50), 0);
        List<DriftAlertEvent> alerts = h.extractOutputValues();
        assertThat(alerts).hasSize(1);
        DriftAlertEvent alert = alerts.get(0);
        assertThat(alert.direction).isEqualTo("down");
        assertThat(alert.metric).isEqualTo("target_modality_accuracy");
        assertThat(alert.modelVersion).isEqualTo("v2");
        assertThat(alert.detector).isEqualTo("page-hinkley");
        assertThat(alert.statistic).isCloseTo(0.6777778 - 0.5 - 0.01, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(alert.threshold).isEqualTo(0.1);
        assertThat(alert.labels).containsEntry("target_modality", "DOCUMENT").containsEntry("task", "scifact-mixed")
                .containsEntry("epoch", "8");
        assertThat(alert.windowStartMs).isEqualTo(8000L);
        assertThat(alert.referenceStartMs).isEqualTo(0L);
        // the level stays at 0.50: no second alert; after 3 quiet closed epochs (9, 10, 11) the alert is cleared
        h.processElement(record("v2", 10, 0.50), 0);
        h.processElement(record("v2", 11, 0.50), 0);
        assertThat(h.extractOutputValues()).hasSize(1);
        h.processElement(record("v2", 12, 0.50), 0);
        List<DriftAlertEvent> all = h.extractOutputValues();
        assertThat(all).hasSize(2);
        assertThat(all.get(1).direction).isEqualTo("cleared");
        assertThat(all.get(1).alertId).isEqualTo(alert.alertId);
        assertThat(all.get(1).labels).isEqualTo(alert.labels);
        assertThat(all.get(1).windowStartMs).isEqualTo(11_000L); // the epoch that completed the quiet run
        // a late record of a closed epoch changes nothing
        h.processElement(record("v2", 3, 0.0), 0);
        assertThat(h.extractOutputValues()).hasSize(2);
        h.close();
    }

    @Test
    void stationaryNoisySeriesRaisesNothing() throws Exception {
        var h = harness();
        double[] noise = {0.0, 0.01, -0.01, 0.005, -0.005};
        for (int epoch = 0; epoch < 60; epoch++) {
            h.processElement(record("v1", epoch, 0.70 + noise[epoch % noise.length]), 0);
        }
        assertThat(h.extractOutputValues()).isEmpty();
        h.close();
    }

    @Test
    void overlappingEpochsAreClosedOnlyAfterTheyWentQuiet() throws Exception {
        var h = harness(1_000);
        h.setProcessingTime(0);
        for (int epoch = 0; epoch < 7; epoch++) {
            h.processElement(record("v1", epoch, 0.70), 0);
            h.setProcessingTime(10_000L * (epoch + 1));
        }
        // epoch 7 is running (a partial value 0.40) when epoch 8 begins; closed at once, 0.40 would alarm (mean
        // (7 * 0.70 + 0.40) / 8 = 0.6625, down = 0.6625 - 0.40 - 0.01 = 0.2525 > 0.1). Its last value arrives late:
        h.processElement(record("v1", 7, 0.40), 0);
        h.processElement(record("v1", 8, 0.70), 0);
        h.setProcessingTime(70_500);
        h.processElement(record("v1", 7, 0.70), 0);
        h.setProcessingTime(71_499);
        assertThat(h.extractOutputValues()).isEmpty();
        h.setProcessingTime(71_500); // 7 quiet for 1 s: closed with its final 0.70, no change
        h.processElement(record("v1", 7, 0.0), 0); // closed: ignored
        h.processElement(record("v1", 9, 0.70), 0);
        h.setProcessingTime(90_000);
        assertThat(h.extractOutputValues()).isEmpty();
        // the same sequence closing at once alarms on the partial value
        var eager = harness(0);
        for (int epoch = 0; epoch < 7; epoch++) {
            eager.processElement(record("v1", epoch, 0.70), 0);
        }
        eager.processElement(record("v1", 7, 0.40), 0);
        eager.processElement(record("v1", 8, 0.70), 0);
        assertThat(eager.extractOutputValues()).hasSize(1);
        eager.close();
        h.close();
    }

    @Test
    void alertIdIsDeterministicPerSeriesAndStart() {
        assertThat(AlertTrack.alertId("s", 8)).isEqualTo(AlertTrack.alertId("s", 8)).hasSize(16)
                .isNotEqualTo(AlertTrack.alertId("s", 9)).isNotEqualTo(AlertTrack.alertId("t", 8));
    }

    @Test
    void everyClosedEpochIsReportedAsACheckWithTheSeriesLabelsAlarmOrNot() throws Exception {
        var h = harness();
        for (int epoch = 0; epoch < 3; epoch++) {
            h.processElement(record("v1", epoch, 0.70), 0);
        }
        // epochs 0 and 1 are closed (a later epoch has begun); epoch 2 is still open
        List<TaskMetric> checks = h.getSideOutput(SeriesDriftFunction.CHECKS).stream()
                .map(org.apache.flink.streaming.runtime.streamrecord.StreamRecord::getValue).toList();
        assertThat(checks).extracting(c -> c.epoch).containsExactly(0, 1);
        TaskMetric first = checks.get(0);
        assertThat(first.scope).isEqualTo("drift_check");
        assertThat(first.detail).isEqualTo("modality_bias");
        assertThat(first.metric).isEqualTo("target_modality_accuracy");
        assertThat(first.taskId).isEqualTo("scifact-mixed");
        assertThat(first.targetModality).isEqualTo("DOCUMENT");
        assertThat(first.modelVersion).isEqualTo("v1");
        assertThat(first.windowStartMs).isEqualTo(0L);
        // Page-Hinkley after one sample equal to its mean: both sides 0 - delta accumulated as min/max, statistic 0
        assertThat(first.value).isEqualTo(0.0);
        // the check of a same-named series in another scope is another record on the compacted topic
        TaskMetric otherScope = first.copy();
        otherScope.detail = "modality_pair";
        assertThat(otherScope.seriesKey()).isNotEqualTo(first.seriesKey());
        assertThat(h.extractOutputValues()).isEmpty();
    }
}
