package io.omnistream.flink.upgrade.job;

import io.omnistream.flink.upgrade.GateThresholds;
import io.omnistream.schemas.avro.Deployment;
import io.omnistream.schemas.avro.DeploymentState;

/**
 * What the gate needs of a {@link Deployment} record, as a Flink POJO: its name, state, the two model versions and
 * the gate's thresholds. {@link #shadowModelVersion} is null when the record has no shadow.
 */
public class DeploymentUpdate {
    public String name;
    /** A {@link DeploymentState} name. */
    public String state;
    public String liveModelVersion;
    public String shadowModelVersion;
    public double primaryMetricEpsilon;
    public double modalityAccuracyDelta;
    public double maxRecallLoss;
    public long updatedAtMs;

    public DeploymentUpdate() {
    }

    public static DeploymentUpdate fromAvro(Deployment d) {
        DeploymentUpdate u = new DeploymentUpdate();
        u.name = d.getName();
        u.state = d.getState().name();
        u.liveModelVersion = d.getLive().getModelVersion();
        u.shadowModelVersion = d.getShadow() == null ? null : d.getShadow().getModelVersion();
        u.primaryMetricEpsilon = d.getGate().getPrimaryMetricEpsilon();
        u.modalityAccuracyDelta = d.getGate().getModalityAccuracyDelta();
        u.maxRecallLoss = d.getGate().getMaxRecallLoss();
        u.updatedAtMs = d.getUpdatedAtMs();
        return u;
    }

    /** SHADOWING with a shadow version: the state in which the gate compares live and shadow. */
    public boolean isShadowing() {
        return DeploymentState.SHADOWING.name().equals(state) && shadowModelVersion != null;
    }

    public GateThresholds thresholds() {
        return new GateThresholds(primaryMetricEpsilon, modalityAccuracyDelta, maxRecallLoss);
    }

    @Override
    public String toString() {
        return "Deployment{" + name + " " + state + " " + liveModelVersion + " / " + shadowModelVersion + "}";
    }
}
