package io.omnistream.flink.upgrade.job;

import static io.omnistream.flink.upgrade.job.GateFixtures.deployment;
import static io.omnistream.flink.upgrade.job.GateFixtures.exact;
import static io.omnistream.flink.upgrade.job.GateFixtures.judgment;
import static io.omnistream.flink.upgrade.job.GateFixtures.recallLoss;
import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.flink.upgrade.GateDecisionEvent;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The gate operator through Flink's operator harness: when it decides (final figures of both versions for every task
 * of an epoch), that it decides once per epoch and only forward, that a deployment leaving SHADOWING is forgotten,
 * and that its state survives a snapshot and restore.
 */
class GateFunctionTest {

    private static KeyedOneInputStreamOperatorTestHarness<String, GateInput, GateDecisionEvent> harness(
            boolean waitForServed) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new GateFunction(waitForServed, false, "-noinst", 3)), GateInput::key, Types.STRING);
        h.open();
        return h;
    }

    private static void in(KeyedOneInputStreamOperatorTestHarness<String, GateInput, GateDecisionEvent> h,
            Object record) throws Exception {
        GateInput input = record instanceof DeploymentUpdate d ? GateInput.of(d)
                : record instanceof io.omnistream.flink.quality.BenchJudgment j ? GateInput.of(j)
                : GateInput.of((io.omnistream.flink.quality.TaskMetric) record);
        h.processElement(input, 0);
    }

    /** Epoch e: task a (2 queries, ndcg@10), live v1 = 0.75, shadow v2 = {@code shadowA}, both final. */
    private static void epoch(KeyedOneInputStreamOperatorTestHarness<String, GateInput, GateDecisionEvent> h, int e,
            double shadowA) throws Exception {
        in(h, judgment("a", e, "q1", "ndcg@10"));
        in(h, judgment("a", e, "q2", "ndcg@10"));
        in(h, exact("v1", "a", e, "ndcg@10", 0.75, 2));
        in(h, exact("v2", "a", e, "ndcg@10", shadowA, 2));
    }

    @Test
    void decidesEachEpochOnceWhenBothVersionsAreFinal() throws Exception {
        var h = harness(false);
        in(h, deployment("default", "SHADOWING", "v1", "v2", 0.0625));
        in(h, judgment("a", 0, "q1", "ndcg@10"));
        in(h, judgment("a", 0, "q2", "ndcg@10"));
        in(h, exact("v1", "a", 0, "ndcg@10", 0.5, 1));
        in(h, exact("v2", "a", 0, "ndcg@10", 0.75, 2));
        assertThat(h.extractOutputValues()).isEmpty();   // live's figure is a running mean over 1 of 2 queries
        in(h, exact("v1", "a", 0, "ndcg@10", 0.75, 2));
        List<GateDecisionEvent> out = h.extractOutputValues();
        assertThat(out).hasSize(1);
        GateDecisionEvent d = out.get(0);
        assertThat(d.deployment).isEqualTo("default");
        assertThat(d.epoch).isZero();
        assertThat(d.passed).isTrue();
        assertThat(d.checks[0].liveValue).isEqualTo(0.75);
        assertThat(d.checks[0].shadowValue).isEqualTo(0.75);
        assertThat(d.checks[0].threshold).isEqualTo(0.6875);
        assertThat(d.checks[1].detail).isEqualTo("served path off: recall_loss@10 not measured");

        in(h, exact("v2", "a", 0, "ndcg@10", 0.5, 2));   // a repeat after the decision: no second decision
        assertThat(h.extractOutputValues()).hasSize(1);

        epoch(h, 1, 0.5);   // epoch 1: the shadow fell to 0.5 < 0.6875
        out = h.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).epoch).isEqualTo(1);
        assertThat(out.get(1).passed).isFalse();
        assertThat(out.get(1).reason).isEqualTo("failed 1 of 2 checks: primary_metric a (ndcg@10 0.5000 < 0.6875)");
        h.close();
    }

    @Test
    void anOlderEpochCompletingLateIsNotDecided() throws Exception {
        var h = harness(false);
        in(h, deployment("default", "SHADOWING", "v1", "v2", 0.0));
        in(h, judgment("a", 0, "q1", "ndcg@10"));   // epoch 0 starts, epoch 1 finishes first
        epoch(h, 1, 0.75);
        assertThat(h.extractOutputValues()).extracting(d -> d.epoch).containsExactly(1);
        in(h, exact("v1", "a", 0, "ndcg@10", 1.0, 1));
        in(h, exact("v2", "a", 0, "ndcg@10", 0.0, 1));
        assertThat(h.extractOutputValues()).extracting(d -> d.epoch).containsExactly(1);
        h.close();
    }

    @Test
    void aDeploymentWrittenAfterTheFiguresDecidesTheNewestCompleteEpochAtOnce() throws Exception {
        var h = harness(false);
        epoch(h, 0, 0.75);
        epoch(h, 1, 0.75);
        assertThat(h.extractOutputValues()).isEmpty();
        in(h, deployment("default", "SHADOWING", "v1", "v2", 0.0));
        in(h, deployment("other", "SHADOWING", "v2", "v1", 0.0));   // the reverse pair
        assertThat(h.extractOutputValues()).extracting(d -> d.deployment, d -> d.epoch, d -> d.passed)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("default", 1, true),
                        org.assertj.core.groups.Tuple.tuple("other", 1, true));
        h.close();
    }

    @Test
    void leavingShadowingForgetsTheDeployment() throws Exception {
        var h = harness(false);
        in(h, deployment("default", "SHADOWING", "v1", "v2", 0.0));
        epoch(h, 0, 0.75);
        assertThat(h.extractOutputValues()).hasSize(1);
        in(h, deployment("default", "PROMOTED", "v2", null, 0.0));
        epoch(h, 1, 0.75);
        assertThat(h.extractOutputValues()).hasSize(1);   // no longer compared
        in(h, deployment("default", "SHADOWING", "v1", "v2", 0.0));   // a new upgrade between the same versions
        assertThat(h.extractOutputValues()).extracting(d -> d.epoch).containsExactly(0, 1);
        h.close();
    }

    @Test
    void waitingForServedHoldsTheDecisionUntilTheShadowsRecallLossIsFinal() throws Exception {
        var h = harness(true);
        in(h, deployment("default", "SHADOWING", "v1", "v2", 0.0));
        epoch(h, 0, 0.75);
        assertThat(h.extractOutputValues()).isEmpty();
        in(h, recallLoss("v2", "a", 0, 0.125, 2));
        GateDecisionEvent d = h.extractOutputValues().get(0);
        assertThat(d.passed).isFalse();
        assertThat(d.reason).isEqualTo("failed 1 of 2 checks: recall_loss a (recall_loss@10 0.1250 > 0.0625)");
        h.close();
    }

    @Test
    void stateSurvivesASnapshotAndRestore() throws Exception {
        var h = harness(false);
        in(h, deployment("default", "SHADOWING", "v1", "v2", 0.0));
        epoch(h, 0, 0.75);
        in(h, judgment("a", 1, "q1", "ndcg@10"));
        in(h, exact("v1", "a", 1, "ndcg@10", 1.0, 1));
        var s = h.snapshot(1L, 1L);
        h.close();

        var restored = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new GateFunction(false, false, "-noinst", 3)), GateInput::key, Types.STRING);
        restored.initializeState(s);
        restored.open();
        in(restored, exact("v2", "a", 0, "ndcg@10", 0.75, 2));   // epoch 0 was decided before the snapshot
        assertThat(restored.extractOutputValues()).isEmpty();
        in(restored, exact("v2", "a", 1, "ndcg@10", 0.0, 1));
        assertThat(restored.extractOutputValues()).extracting(d -> d.epoch, d -> d.passed)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, false));
        restored.close();
    }

    @Test
    void epochsBeyondTheRetainedOnesAreIgnored() throws Exception {
        var h = harness(false);
        in(h, deployment("default", "SHADOWING", "v1", "v2", 0.0));
        in(h, judgment("a", 5, "q1", "ndcg@10"));   // retains epochs 3, 4, 5
        epoch(h, 2, 0.75);
        assertThat(h.extractOutputValues()).isEmpty();
        epoch(h, 3, 0.75);
        assertThat(h.extractOutputValues()).extracting(d -> d.epoch).containsExactly(3);
        h.close();
    }
}
