package io.omnistream.flink.upgrade;

import io.omnistream.flink.bias.BiasMetricNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The quality gate of an upgrade (issue 16, {@code GateSpec}): is the shadow model version not worse than the live one
 * on one replay epoch? Pure function of the thresholds and the epoch's final figures; one check per rule and subject,
 * every figure and bound in the check.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>{@value #RULE_PRIMARY_METRIC}, per task scored for live in the epoch: {@code shadow >= live - epsilon} on the
 *       task's primary metric (exact path). A task that live scored but the shadow did not, or that has dead-lettered
 *       items in the epoch ({@code not_scored}, which names no model), fails rule {@value #RULE_SCORED} instead: the
 *       gate cannot show it is not worse. An epoch in which live scored no task at all fails {@value #RULE_SCORED}
 *       (subject {@code *}): a gate with nothing compared must not pass.</li>
 *   <li>{@value #RULE_MODALITY_ACCURACY}, per modality pair both versions have a {@code target_modality_accuracy}
 *       for: {@code shadow >= live - delta}. A pair only one version has is not compared.</li>
 *   <li>{@value #RULE_RECALL_LOSS}, per task compared on the primary metric: the shadow's served-path
 *       {@code recall_loss@10 <= maxRecallLoss}; live's figure is reported beside it. <b>Served path off</b> (no
 *       recall-loss figures at all, {@link EpochFigures#servedPathOn()} false): the index was not measured, so there is
 *       nothing to refuse on; one passing check, subject {@code *}, detail {@value #SERVED_PATH_OFF}, says so. With
 *       the served path on, a task without a figure fails (not measured).</li>
 * </ul>
 * The decision passes iff every check passes.
 *
 * <p><b>Ties.</b> Every bound is inclusive ({@code >=}, {@code <=}). The bound {@code live - epsilon} is computed in
 * binary floating point (0.8 - 0.1 is 0.7000000000000001), so a comparison accepts values up to
 * {@value #TOLERANCE} (metric units) beyond the bound, which turns such rounding ties into the passes they are; no
 * metric of a benchmark differs in the ninth decimal by anything but rounding (a mean over at most ~10^6 queries
 * moves by at least 10^-6).
 */
public final class QualityGate {
    public static final String RULE_PRIMARY_METRIC = "primary_metric";
    public static final String RULE_MODALITY_ACCURACY = "modality_accuracy";
    public static final String RULE_RECALL_LOSS = "recall_loss";
    public static final String RULE_SCORED = "scored";
    /** The served-path metric of rule {@value #RULE_RECALL_LOSS}. */
    public static final String RECALL_LOSS_AT_10 = "recall_loss@10";
    /** Subject of a check about the whole epoch. */
    public static final String ALL = "*";
    public static final String SERVED_PATH_OFF = "served path off: recall_loss@10 not measured";
    /** Slack of every inclusive comparison, in metric units (see Ties). */
    public static final double TOLERANCE = 1e-9;
    /** Failed checks named in the one-line reason; more are counted. */
    static final int REASON_NAMES = 5;

    private QualityGate() {
    }

    /** Evaluates every rule on {@code f} and returns the decision, checks in a fixed order (tasks, then pairs, sorted). */
    public static GateDecisionEvent evaluate(String deployment, String liveModelVersion, String shadowModelVersion,
            GateThresholds t, EpochFigures f, long decidedAtMs) {
        List<GateCheckEvent> checks = new ArrayList<>();
        List<String> compared = new ArrayList<>();
        for (Map.Entry<String, Figure> e : new TreeMap<>(f.livePrimary()).entrySet()) {
            String task = e.getKey();
            Figure live = e.getValue();
            Figure shadow = f.shadowPrimary().get(task);
            double bound = live.value() - t.primaryMetricEpsilon();
            String notScored = f.notScored().get(task);
            if (notScored != null) {
                checks.add(new GateCheckEvent(RULE_SCORED, task, live.metric(), live.value(),
                        shadow == null ? null : shadow.value(), bound, false,
                        "not_scored in epoch " + f.epoch() + ": " + notScored));
            } else if (shadow == null) {
                checks.add(new GateCheckEvent(RULE_SCORED, task, live.metric(), live.value(), null, bound, false,
                        "not scored for the shadow in epoch " + f.epoch()));
            } else {
                checks.add(new GateCheckEvent(RULE_PRIMARY_METRIC, task, live.metric(), live.value(), shadow.value(),
                        bound, shadow.value() >= bound - TOLERANCE,
                        "live " + live.count() + ", shadow " + shadow.count()));
                compared.add(task);
            }
        }
        if (f.livePrimary().isEmpty()) {
            checks.add(new GateCheckEvent(RULE_SCORED, ALL, "primary", null, null, 0.0, false,
                    "no task scored for live in epoch " + f.epoch()));
        }

        if (!f.servedPathOn()) {
            checks.add(new GateCheckEvent(RULE_RECALL_LOSS, ALL, RECALL_LOSS_AT_10, null, null, t.maxRecallLoss(), true,
                    SERVED_PATH_OFF));
        } else {
            for (String task : compared) {
                Figure shadow = f.shadowRecallLoss().get(task);
                Figure live = f.liveRecallLoss().get(task);
                Double liveValue = live == null ? null : live.value();
                if (shadow == null) {
                    checks.add(new GateCheckEvent(RULE_RECALL_LOSS, task, RECALL_LOSS_AT_10, liveValue, null,
                            t.maxRecallLoss(), false, "not measured for the shadow (served path on)"));
                } else {
                    checks.add(new GateCheckEvent(RULE_RECALL_LOSS, task, RECALL_LOSS_AT_10, liveValue, shadow.value(),
                            t.maxRecallLoss(), shadow.value() <= t.maxRecallLoss() + TOLERANCE,
                            "shadow " + shadow.count() + (live == null ? "" : ", live " + live.count())));
                }
            }
        }

        int pairs = 0;
        for (Map.Entry<String, Figure> e : new TreeMap<>(f.liveModalityAccuracy()).entrySet()) {
            Figure shadow = f.shadowModalityAccuracy().get(e.getKey());
            if (shadow == null) {
                continue;
            }
            Figure live = e.getValue();
            double bound = live.value() - t.modalityAccuracyDelta();
            checks.add(new GateCheckEvent(RULE_MODALITY_ACCURACY, e.getKey(), BiasMetricNames.TARGET_MODALITY_ACCURACY,
                    live.value(), shadow.value(), bound, shadow.value() >= bound - TOLERANCE,
                    "live " + live.count() + ", shadow " + shadow.count()));
            pairs++;
        }

        GateDecisionEvent d = new GateDecisionEvent();
        d.deployment = deployment;
        d.liveModelVersion = liveModelVersion;
        d.shadowModelVersion = shadowModelVersion;
        d.epoch = f.epoch();
        d.checks = checks.toArray(new GateCheckEvent[0]);
        d.passed = checks.stream().allMatch(c -> c.passed);
        d.decidedAtMs = decidedAtMs;
        d.reason = reason(checks, compared.size(), pairs, f.servedPathOn());
        return d;
    }

    /** One line: what passed, or the failed checks (the first {@link #REASON_NAMES}, then how many more). */
    static String reason(List<GateCheckEvent> checks, int tasks, int pairs, boolean served) {
        List<GateCheckEvent> failed = checks.stream().filter(c -> !c.passed).toList();
        if (failed.isEmpty()) {
            return "passed all " + checks.size() + " checks: " + tasks + " task(s), " + pairs + " modality pair(s), "
                    + (served ? "served path on" : "served path off");
        }
        StringBuilder b = new StringBuilder("failed ").append(failed.size()).append(" of ").append(checks.size())
                .append(" checks: ");
        for (int i = 0; i < Math.min(REASON_NAMES, failed.size()); i++) {
            b.append(i == 0 ? "" : "; ").append(describe(failed.get(i)));
        }
        if (failed.size() > REASON_NAMES) {
            b.append("; +").append(failed.size() - REASON_NAMES).append(" more");
        }
        return b.toString();
    }

    private static String describe(GateCheckEvent c) {
        String head = c.rule + " " + c.subject;
        if (c.rule.equals(RULE_SCORED) || c.shadowValue == null) {
            return head + " (" + c.detail + ")";
        }
        String op = c.rule.equals(RULE_RECALL_LOSS) ? " > " : " < ";
        return head + " (" + c.metric + " " + fmt(c.shadowValue) + op + fmt(c.threshold) + ")";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
