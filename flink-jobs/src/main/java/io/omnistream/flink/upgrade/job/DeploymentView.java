package io.omnistream.flink.upgrade.job;

/**
 * A SHADOWING deployment as the gate operator keeps it: the two versions compared, the gate thresholds, and the last
 * epoch it decided (decisions only move forward, so the last record on the compacted gate topic is the newest epoch's).
 */
public class DeploymentView {
    public DeploymentUpdate deployment;
    /** Null until the first decision of this (live, shadow) pair. */
    public Integer lastDecidedEpoch;

    public DeploymentView() {
    }

    DeploymentView(DeploymentUpdate deployment) {
        this.deployment = deployment;
    }

    boolean sameVersions(DeploymentUpdate d) {
        return deployment.liveModelVersion.equals(d.liveModelVersion)
                && deployment.shadowModelVersion.equals(d.shadowModelVersion);
    }
}
