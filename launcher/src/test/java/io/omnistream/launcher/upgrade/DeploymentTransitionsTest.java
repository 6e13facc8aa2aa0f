package io.omnistream.launcher.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.schemas.avro.Deployment;
import io.omnistream.schemas.avro.DeploymentState;
import io.omnistream.schemas.avro.GateDecision;
import io.omnistream.schemas.avro.GateSpec;
import io.omnistream.schemas.avro.ModelTarget;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentTransitionsTest {
    private static final ModelTarget BGE = target("bge", "bge/v1", "emb_bge_v1");
    private static final ModelTarget MINILM = target("minilm", "minilm/v1", "emb_minilm_v1");
    private static final GateSpec GATE = GateSpec.newBuilder().setPrimaryMetricEpsilon(0.01).build();

    @Test
    void fullUpgradeRollbackAndFinish() {
        Deployment serving = DeploymentTransitions.initial("default", BGE, 1);
        assertThat(serving.getState()).isEqualTo(DeploymentState.SERVING);

        Deployment shadowing = DeploymentTransitions.start(serving, MINILM, GATE, 2);
        assertThat(shadowing.getState()).isEqualTo(DeploymentState.SHADOWING);
        assertThat(shadowing.getLive()).isEqualTo(BGE);
        assertThat(shadowing.getShadow()).isEqualTo(MINILM);
        assertThat(shadowing.getGate().getPrimaryMetricEpsilon()).isEqualTo(0.01);

        Deployment promoted = DeploymentTransitions.promote(shadowing, decision("bge/v1", "minilm/v1", true), "manual", 3);
        assertThat(promoted.getState()).isEqualTo(DeploymentState.PROMOTED);
        assertThat(promoted.getLive()).isEqualTo(MINILM);
        assertThat(promoted.getPrevious()).isEqualTo(BGE);
        assertThat(promoted.getShadow()).isNull();

        Deployment back = DeploymentTransitions.rollback(promoted, 4);
        assertThat(back.getState()).isEqualTo(DeploymentState.ROLLED_BACK);
        assertThat(back.getLive()).isEqualTo(BGE);
        assertThat(back.getPrevious()).isEqualTo(MINILM);
        Deployment forward = DeploymentTransitions.rollback(back, 5);
        assertThat(forward.getState()).isEqualTo(DeploymentState.PROMOTED);
        assertThat(forward.getLive()).isEqualTo(MINILM);

        Deployment finished = DeploymentTransitions.finish(forward, 6);
        assertThat(finished.getState()).isEqualTo(DeploymentState.SERVING);
        assertThat(finished.getLive()).isEqualTo(MINILM);
        assertThat(finished.getPrevious()).isNull();
        assertThat(finished.getUpdatedAtMs()).isEqualTo(6);
    }

    @Test
    void promoteNeedsAPassingDecisionOnThisPair() {
        Deployment shadowing = DeploymentTransitions.start(DeploymentTransitions.initial("d", BGE, 1), MINILM, GATE, 2);
        assertThatThrownBy(() -> DeploymentTransitions.promote(shadowing, null, "manual", 3))
                .hasMessageContaining("no gate decision yet");
        assertThatThrownBy(() -> DeploymentTransitions.promote(shadowing, decision("bge/v1", "minilm/v1", false), "manual", 3))
                .hasMessageContaining("the gate refused minilm/v1").hasMessageContaining("ndcg@10 fell");
        assertThatThrownBy(() -> DeploymentTransitions.promote(shadowing, decision("bge/v0", "minilm/v1", true), "manual", 3))
                .hasMessageContaining("not this upgrade's versions");
    }

    @Test
    void stepsOutOfOrderAreRefusedWithTheReason() {
        Deployment serving = DeploymentTransitions.initial("d", BGE, 1);
        assertThatThrownBy(() -> DeploymentTransitions.start(serving, BGE, GATE, 2)).hasMessageContaining("already serves");
        assertThatThrownBy(() -> DeploymentTransitions.abort(serving, 2)).hasMessageContaining("not SHADOWING");
        assertThatThrownBy(() -> DeploymentTransitions.rollback(serving, 2)).hasMessageContaining("rollback needs");
        assertThatThrownBy(() -> DeploymentTransitions.finish(serving, 2)).hasMessageContaining("nothing to finish");
        Deployment shadowing = DeploymentTransitions.start(serving, MINILM, GATE, 2);
        assertThatThrownBy(() -> DeploymentTransitions.start(shadowing, MINILM, GATE, 3))
                .hasMessageContaining("an upgrade to minilm/v1 is under way");
        Deployment aborted = DeploymentTransitions.abort(shadowing, 3);
        assertThat(aborted.getState()).isEqualTo(DeploymentState.SERVING);
        assertThat(aborted.getShadow()).isNull();
        assertThat(aborted.getLive()).isEqualTo(BGE);
    }

    private static ModelTarget target(String id, String version, String collection) {
        return ModelTarget.newBuilder().setModelId(id).setModelVersion(version).setEmbeddingTopic("embeddings." + id + ".v1")
                .setCollection(collection).build();
    }

    private static GateDecision decision(String live, String shadow, boolean passed) {
        return GateDecision.newBuilder().setDeployment("d").setLiveModelVersion(live).setShadowModelVersion(shadow)
                .setEpoch(1).setPassed(passed).setChecks(List.of()).setDecidedAtMs(1)
                .setReason(passed ? "all checks passed" : "scifact ndcg@10 fell from 0.70 to 0.60").build();
    }
}
