package io.omnistream.flink.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gate rules on hand-computed figures. Values are binary fractions (multiples of 1/1024) unless a test is about
 * decimal rounding, so that {@code live - epsilon} is exact and the expected bounds below are exact too.
 */
class QualityGateTest {
    /** epsilon 1/16, delta 1/8, rho 1/16. */
    private static final GateThresholds T = new GateThresholds(0.0625, 0.125, 0.0625);

    private static Figure f(String metric, double value, long n) {
        return new Figure(metric, value, n, n);
    }

    /** A mutable set of figures, one passing epoch: two tasks, two shared modality pairs, served path on. */
    private static final class Epoch {
        Map<String, Figure> live = new LinkedHashMap<>(Map.of("a", f("ndcg@10", 0.75, 4), "b", f("hit@1", 0.5, 2)));
        Map<String, Figure> shadow = new LinkedHashMap<>(Map.of(
                "a", f("ndcg@10", 0.6875, 4),   // = 0.75 - 1/16: a tie at the bound
                "b", f("hit@1", 0.625, 2)));
        Map<String, String> notScored = new HashMap<>();
        Map<String, Figure> liveLoss = new HashMap<>(Map.of("a", f("recall_loss@10", 0.0, 4)));
        Map<String, Figure> shadowLoss = new HashMap<>(Map.of(
                "a", f("recall_loss@10", 0.0625, 4),   // = rho: a tie
                "b", f("recall_loss@10", 0.0, 2)));
        Map<String, Figure> liveAcc = new HashMap<>(Map.of(
                "TEXT->TEXT", f("target_modality_accuracy", 0.875, 6),
                "IMAGE->TEXT", f("target_modality_accuracy", 0.5, 2),
                "TEXT->IMAGE", f("target_modality_accuracy", 1.0, 1)));   // live only: not compared
        Map<String, Figure> shadowAcc = new HashMap<>(Map.of(
                "TEXT->TEXT", f("target_modality_accuracy", 0.75, 6),   // = 0.875 - 1/8: a tie
                "IMAGE->TEXT", f("target_modality_accuracy", 0.5, 2)));

        GateDecisionEvent evaluate() {
            return evaluate(T);
        }

        GateDecisionEvent evaluate(GateThresholds t) {
            return QualityGate.evaluate("default", "v-live", "v-shadow", t,
                    new EpochFigures(3, live, shadow, notScored, liveLoss, shadowLoss, liveAcc, shadowAcc), 42L);
        }
    }

    @Test
    void passesWithEveryTieAtItsBoundAndListsEveryFigure() {
        GateDecisionEvent d = new Epoch().evaluate();
        assertThat(d.passed).isTrue();
        assertThat(d.deployment).isEqualTo("default");
        assertThat(d.liveModelVersion).isEqualTo("v-live");
        assertThat(d.shadowModelVersion).isEqualTo("v-shadow");
        assertThat(d.epoch).isEqualTo(3);
        assertThat(d.decidedAtMs).isEqualTo(42L);
        assertThat(d.checks).extracting(c -> c.rule, c -> c.subject, c -> c.metric, c -> c.liveValue,
                c -> c.shadowValue, c -> c.threshold, c -> c.passed).containsExactly(
                tuple("primary_metric", "a", "ndcg@10", 0.75, 0.6875, 0.6875, true),
                tuple("primary_metric", "b", "hit@1", 0.5, 0.625, 0.4375, true),
                tuple("recall_loss", "a", "recall_loss@10", 0.0, 0.0625, 0.0625, true),
                tuple("recall_loss", "b", "recall_loss@10", null, 0.0, 0.0625, true),
                tuple("modality_accuracy", "IMAGE->TEXT", "target_modality_accuracy", 0.5, 0.5, 0.375, true),
                tuple("modality_accuracy", "TEXT->TEXT", "target_modality_accuracy", 0.875, 0.75, 0.75, true));
        assertThat(d.checks[0].detail).isEqualTo("live n=4/4, shadow n=4/4");
        assertThat(d.reason).isEqualTo("passed all 6 checks: 2 task(s), 2 modality pair(s), served path on");
    }

    @Test
    void aTaskJustBelowItsBoundFailsAndIsNamedInTheReason() {
        Epoch e = new Epoch();
        e.shadow.put("a", f("ndcg@10", 0.6865234375, 4));   // 0.6875 - 1/1024
        GateDecisionEvent d = e.evaluate();
        assertThat(d.passed).isFalse();
        assertThat(d.checks[0].passed).isFalse();
        assertThat(d.checks[0].threshold).isEqualTo(0.6875);
        assertThat(d.checks).filteredOn(c -> !c.passed).hasSize(1);
        assertThat(d.reason).isEqualTo("failed 1 of 6 checks: primary_metric a (ndcg@10 0.6865 < 0.6875)");
    }

    @Test
    void aDecimalTieIsAPassDespiteBinaryRounding() {
        Epoch e = new Epoch();
        e.live.put("a", f("ndcg@10", 0.8, 4));
        e.shadow.put("a", f("ndcg@10", 0.7, 4));
        GateDecisionEvent d = e.evaluate(new GateThresholds(0.1, 0.125, 0.0625));
        assertThat(d.checks[0].threshold).isGreaterThan(0.7);   // 0.8 - 0.1 = 0.7000000000000001 in binary
        assertThat(d.checks[0].passed).isTrue();
        assertThat(d.passed).isTrue();
    }

    @Test
    void aTaskTheShadowDidNotScoreFailsRuleScored() {
        Epoch e = new Epoch();
        e.shadow.remove("b");
        e.shadowLoss.remove("b");
        GateDecisionEvent d = e.evaluate();
        assertThat(d.passed).isFalse();
        assertThat(d.checks).extracting(c -> c.rule, c -> c.subject, c -> c.liveValue, c -> c.shadowValue,
                c -> c.threshold, c -> c.passed).contains(tuple("scored", "b", 0.5, null, 0.4375, false));
        // no recall-loss check for a task that was not compared
        assertThat(d.checks).filteredOn(c -> c.rule.equals("recall_loss")).extracting(c -> c.subject)
                .containsExactly("a");
        assertThat(d.reason).isEqualTo("failed 1 of 5 checks: scored b (not scored for the shadow in epoch 3)");
    }

    @Test
    void aTaskWithDeadLetteredItemsFailsRuleScoredWithTheReason() {
        Epoch e = new Epoch();
        e.notScored.put("a", "no image encoder");
        GateDecisionEvent d = e.evaluate();
        assertThat(d.passed).isFalse();
        assertThat(d.checks[0].rule).isEqualTo("scored");
        assertThat(d.checks[0].subject).isEqualTo("a");
        assertThat(d.checks[0].shadowValue).isEqualTo(0.6875);
        assertThat(d.checks[0].detail).isEqualTo("not_scored in epoch 3: no image encoder");
        assertThat(d.reason).startsWith("failed 1 of 5 checks: scored a (not_scored in epoch 3: no image encoder)");
    }

    @Test
    void aModalityPairDropBeyondDeltaFails() {
        Epoch e = new Epoch();
        e.shadowAcc.put("TEXT->TEXT", f("target_modality_accuracy", 0.625, 6));   // 0.875 - 0.25 < 0.75
        GateDecisionEvent d = e.evaluate();
        assertThat(d.passed).isFalse();
        assertThat(d.checks[5].rule).isEqualTo("modality_accuracy");
        assertThat(d.checks[5].threshold).isEqualTo(0.75);
        assertThat(d.checks[5].passed).isFalse();
        assertThat(d.reason).isEqualTo(
                "failed 1 of 6 checks: modality_accuracy TEXT->TEXT (target_modality_accuracy 0.6250 < 0.7500)");
    }

    @Test
    void aRecallLossAboveRhoFails() {
        Epoch e = new Epoch();
        e.shadowLoss.put("b", f("recall_loss@10", 0.125, 2));
        GateDecisionEvent d = e.evaluate();
        assertThat(d.passed).isFalse();
        assertThat(d.reason).isEqualTo("failed 1 of 6 checks: recall_loss b (recall_loss@10 0.1250 > 0.0625)");
    }

    @Test
    void servedPathOffIsOnePassingCheckSayingItWasNotMeasured() {
        Epoch e = new Epoch();
        e.shadowLoss = null;
        GateDecisionEvent d = e.evaluate();
        assertThat(d.passed).isTrue();
        assertThat(d.checks).filteredOn(c -> c.rule.equals("recall_loss"))
                .extracting(c -> c.subject, c -> c.liveValue, c -> c.shadowValue, c -> c.threshold, c -> c.passed,
                        c -> c.detail)
                .containsExactly(tuple("*", null, null, 0.0625, true, "served path off: recall_loss@10 not measured"));
        assertThat(d.reason).isEqualTo("passed all 5 checks: 2 task(s), 2 modality pair(s), served path off");
    }

    @Test
    void servedPathOnWithoutAFigureForATaskFails() {
        Epoch e = new Epoch();
        e.shadowLoss.remove("a");
        GateDecisionEvent d = e.evaluate();
        assertThat(d.passed).isFalse();
        assertThat(d.checks[2].subject).isEqualTo("a");
        assertThat(d.checks[2].liveValue).isEqualTo(0.0);
        assertThat(d.checks[2].shadowValue).isNull();
        assertThat(d.reason).isEqualTo(
                "failed 1 of 6 checks: recall_loss a (not measured for the shadow (served path on))");
    }

    @Test
    void anEpochWithoutAnyLiveTaskFails() {
        Epoch e = new Epoch();
        e.live.clear();
        GateDecisionEvent d = e.evaluate();
        assertThat(d.passed).isFalse();
        assertThat(d.checks[0].rule).isEqualTo("scored");
        assertThat(d.checks[0].subject).isEqualTo("*");
        assertThat(d.reason).startsWith("failed 1 of 3 checks: scored * (no task scored for live in epoch 3)");
    }

    @Test
    void theReasonNamesFiveFailuresAndCountsTheRest() {
        Epoch e = new Epoch();
        e.live.clear();
        e.shadow.clear();
        for (int i = 0; i < 7; i++) {
            e.live.put("t" + i, f("hit@1", 1.0, 1));
            e.shadow.put("t" + i, f("hit@1", 0.0, 1));
        }
        e.shadowLoss = null;
        GateDecisionEvent d = e.evaluate();
        assertThat(d.reason).startsWith("failed 7 of 10 checks: primary_metric t0 (hit@1 0.0000 < 0.9375); ")
                .endsWith("primary_metric t4 (hit@1 0.0000 < 0.9375); +2 more");
    }

    @Test
    void theAvroRecordCarriesEveryCheck() {
        var avro = new Epoch().evaluate().toAvro();
        assertThat(avro.getChecks()).hasSize(6);
        assertThat(avro.getChecks().get(3).getLiveValue()).isNull();
        assertThat(avro.getChecks().get(3).getShadowValue()).isEqualTo(0.0);
        assertThat(avro.getReason()).startsWith("passed");
    }
}
