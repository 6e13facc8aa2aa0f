package io.omnistream.flink.upgrade;

import io.omnistream.schemas.avro.GateCheck;

/**
 * One check of a gate decision ({@code GateCheck}) as a Flink POJO. {@link #liveValue}, {@link #shadowValue} and
 * {@link #detail} are nullable as in the schema.
 */
public class GateCheckEvent {
    /** {@link QualityGate#RULE_PRIMARY_METRIC}, {@link QualityGate#RULE_MODALITY_ACCURACY}, ... */
    public String rule;
    /** A task id, a modality pair ({@code TEXT->IMAGE}) or {@code *} for the whole epoch. */
    public String subject;
    public String metric;
    public Double liveValue;
    public Double shadowValue;
    /** The bound the shadow value had to meet, epsilon/delta already applied. */
    public double threshold;
    public boolean passed;
    public String detail;

    public GateCheckEvent() {
    }

    GateCheckEvent(String rule, String subject, String metric, Double liveValue, Double shadowValue, double threshold,
            boolean passed, String detail) {
        this.rule = rule;
        this.subject = subject;
        this.metric = metric;
        this.liveValue = liveValue;
        this.shadowValue = shadowValue;
        this.threshold = threshold;
        this.passed = passed;
        this.detail = detail;
    }

    public GateCheck toAvro() {
        return GateCheck.newBuilder().setRule(rule).setSubject(subject).setMetric(metric).setLiveValue(liveValue)
                .setShadowValue(shadowValue).setThreshold(threshold).setPassed(passed).setDetail(detail).build();
    }

    @Override
    public String toString() {
        return rule + " " + subject + " " + metric + " live=" + liveValue + " shadow=" + shadowValue + " bound="
                + threshold + (passed ? " ok" : " FAILED") + (detail == null ? "" : " (" + detail + ")");
    }
}
