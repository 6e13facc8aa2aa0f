package io.omnistream.flink.drift.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.flink.bias.job.BiasInput;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The KS test of top-1 scores per (model, task) through the operator: alpha 1e-3, D >= 0.05, 20 scores, clear after 2. */
class ScoreDriftFunctionTest {

    private static BiasInput ranking(String version, int epoch, int query, double top1) {
        BiasInput r = new BiasInput();
        r.kind = BiasInput.RANKING;
        r.modelId = "bge";
        r.modelVersion = version;
        r.taskId = "scifact-mixed";
        r.epoch = epoch;
        r.queryItemId = "q" + query;
        r.topIds = new String[] {"c"};
        r.topScores = new double[] {top1};
        r.eventTimeMs = 1000L * epoch + query;
        return r;
    }

    /** 20 top-1 scores 0.800, 0.801, ..., 0.819 shifted by {@code shift}. */
    private static void epoch(KeyedOneInputStreamOperatorTestHarness<String, BiasInput, DriftAlertEvent> h,
            String version, int epoch, double shift) throws Exception {
        for (int q = 0; q < 20; q++) {
            h.processElement(ranking(version, epoch, q, 0.8 + q / 1000.0 + shift), 0);
        }
    }

    @Test
    void shiftedScoresAlarmOnceAgainstTheFirstEpochIdenticalOnesNever() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new ScoreDriftFunction(1e-3, 0.05, 20, 2)), ScoreDriftFunction::key, Types.STRING);
        h.open();
        for (int e = 0; e < 4; e++) {
            epoch(h, "v1", e, 0.0); // the same scores every epoch: D = 0
        }
        assertThat(h.extractOutputValues()).isEmpty();
        // all 20 scores of epoch 4 below every reference score: D = 1, n_e = 10, lambda = (sqrt(10) + 0.12 +
        // 0.11 / sqrt(10)) = 3.317, p = Q_KS(3.317) = 2 exp(-2 * 3.317^2) = 5.4e-10 < 1e-3
        epoch(h, "v2", 4, -0.2);
        epoch(h, "v2", 5, -0.2); // closes epoch 4
        List<DriftAlertEvent> out = h.extractOutputValues();
        assertThat(out).hasSize(1);
        DriftAlertEvent a = out.get(0);
        assertThat(a.direction).isEqualTo("down");
        assertThat(a.detector).isEqualTo("ks");
        assertThat(a.statistic).isEqualTo(1.0);
        assertThat(a.threshold).isBetween(0.05, 1.0);
        assertThat(a.labels).containsEntry("epoch", "4").containsEntry("reference_epoch", "0");
        assertThat(Double.parseDouble(a.labels.get("p_value"))).isCloseTo(5.4e-10, org.assertj.core.data.Offset.offset(1e-10));
        assertThat(a.referenceStartMs).isZero();
        // the shift persists (deduplicated), then the scores return: cleared after 2 quiet epochs (6, 7)
        epoch(h, "v2", 6, 0.0); // closes 5: still shifted
        epoch(h, "v2", 7, 0.0); // closes 6: quiet 1
        epoch(h, "v2", 8, 0.0); // closes 7: quiet 2 -> cleared
        out = h.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).direction).isEqualTo("cleared");
        assertThat(out.get(1).alertId).isEqualTo(a.alertId);
        h.close();
    }
}
