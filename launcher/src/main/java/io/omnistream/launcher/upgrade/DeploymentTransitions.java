package io.omnistream.launcher.upgrade;

import io.omnistream.schemas.avro.Deployment;
import io.omnistream.schemas.avro.DeploymentState;
import io.omnistream.schemas.avro.GateDecision;
import io.omnistream.schemas.avro.GateSpec;
import io.omnistream.schemas.avro.ModelTarget;

/**
 * The upgrade state machine, pure: each method takes the current {@link Deployment} and returns the next one, or
 * throws {@link IllegalStateException} saying why the step is not allowed now. Whoever applies a result (the upgrade
 * controller: alias, worker groups, collections) reads it from {@code omnistream.deployments.v1}; nothing here talks
 * to Kafka or Milvus.
 *
 * <pre>
 *   SERVING ──start──▶ SHADOWING ──promote──▶ PROMOTED ──rollback──▶ ROLLED_BACK
 *      ▲                  │                      │  ▲                    │
 *      └──────abort───────┘                      │  └──────rollback──────┘
 *      ▲                                         │                       │
 *      └───────────────finish────────────────────┴───────────finish──────┘
 * </pre>
 *
 * Promote needs a passing gate decision for exactly the live and shadow versions of the deployment; finish drops the
 * version kept for rollback, so it is the only step that cannot be undone by another alias move.
 */
public final class DeploymentTransitions {
    private DeploymentTransitions() {}

    /** The first state of a deployment: {@code live} serves, nothing else exists. */
    public static Deployment initial(String name, ModelTarget live, long nowMs) {
        return Deployment.newBuilder().setName(name).setState(DeploymentState.SERVING).setLive(live)
                .setShadow(null).setPrevious(null).setGate(GateSpec.newBuilder().build()).setUpdatedAtMs(nowMs)
                .setDetail("deployment created serving " + live.getModelVersion()).build();
    }

    /** SERVING → SHADOWING: {@code shadow} is filled from the source topic and scored beside live under {@code gate}. */
    public static Deployment start(Deployment current, ModelTarget shadow, GateSpec gate, long nowMs) {
        if (current.getState() != DeploymentState.SERVING) {
            throw new IllegalStateException("deployment '" + current.getName() + "' is " + current.getState()
                    + ": " + switch (current.getState()) {
                        case SHADOWING -> "an upgrade to " + current.getShadow().getModelVersion()
                                + " is under way (promote or abort it first)";
                        default -> "finish (or roll back) the last upgrade first";
                    });
        }
        if (shadow.getModelVersion().equals(current.getLive().getModelVersion())) {
            throw new IllegalStateException("deployment '" + current.getName() + "' already serves "
                    + shadow.getModelVersion() + ": nothing to upgrade");
        }
        if (shadow.getCollection().equals(current.getLive().getCollection())) {
            throw new IllegalStateException("model version " + shadow.getModelVersion() + " maps to the live collection "
                    + shadow.getCollection() + "; it cannot be filled beside it");
        }
        return Deployment.newBuilder(current).setState(DeploymentState.SHADOWING).setShadow(shadow).setPrevious(null)
                .setGate(gate).setUpdatedAtMs(nowMs)
                .setDetail("upgrade started: shadow " + shadow.getModelVersion()).build();
    }

    /**
     * SHADOWING → PROMOTED: the shadow becomes live, the old live is kept as previous. Refused unless {@code decision}
     * is a passing verdict on exactly this pair of versions.
     */
    public static Deployment promote(Deployment current, GateDecision decision, String why, long nowMs) {
        requireState(current, DeploymentState.SHADOWING, "promote");
        if (decision == null) {
            throw new IllegalStateException("no gate decision yet for deployment '" + current.getName()
                    + "': the gate needs one replay epoch scored for both versions");
        }
        if (!decision.getLiveModelVersion().equals(current.getLive().getModelVersion())
                || !decision.getShadowModelVersion().equals(current.getShadow().getModelVersion())) {
            throw new IllegalStateException("the last gate decision compares " + decision.getLiveModelVersion() + " with "
                    + decision.getShadowModelVersion() + ", not this upgrade's versions");
        }
        if (!decision.getPassed()) {
            throw new IllegalStateException("the gate refused " + current.getShadow().getModelVersion() + " (epoch "
                    + decision.getEpoch() + "): " + decision.getReason());
        }
        return Deployment.newBuilder(current).setState(DeploymentState.PROMOTED).setLive(current.getShadow())
                .setPrevious(current.getLive()).setShadow(null).setUpdatedAtMs(nowMs)
                .setDetail("promoted (" + why + ", gate epoch " + decision.getEpoch() + ")").build();
    }

    /** SHADOWING → SERVING: the shadow is given up (the controller stops its workers and drops its collection). */
    public static Deployment abort(Deployment current, long nowMs) {
        requireState(current, DeploymentState.SHADOWING, "abort");
        return Deployment.newBuilder(current).setState(DeploymentState.SERVING).setShadow(null).setUpdatedAtMs(nowMs)
                .setDetail("upgrade to " + current.getShadow().getModelVersion() + " aborted").build();
    }

    /** PROMOTED ⇄ ROLLED_BACK: live and previous swap; one alias move. */
    public static Deployment rollback(Deployment current, long nowMs) {
        if (current.getState() != DeploymentState.PROMOTED && current.getState() != DeploymentState.ROLLED_BACK) {
            throw new IllegalStateException("deployment '" + current.getName() + "' is " + current.getState()
                    + ": rollback needs a promoted upgrade whose old version is still kept");
        }
        DeploymentState next = current.getState() == DeploymentState.PROMOTED ? DeploymentState.ROLLED_BACK
                : DeploymentState.PROMOTED;
        return Deployment.newBuilder(current).setState(next).setLive(current.getPrevious())
                .setPrevious(current.getLive()).setUpdatedAtMs(nowMs)
                .setDetail((next == DeploymentState.ROLLED_BACK ? "rolled back to " : "rolled forward to ")
                        + current.getPrevious().getModelVersion()).build();
    }

    /** PROMOTED or ROLLED_BACK → SERVING: the version kept for rollback is released (workers stopped, collection dropped). */
    public static Deployment finish(Deployment current, long nowMs) {
        if (current.getState() != DeploymentState.PROMOTED && current.getState() != DeploymentState.ROLLED_BACK) {
            throw new IllegalStateException("deployment '" + current.getName() + "' is " + current.getState()
                    + ": nothing to finish");
        }
        return Deployment.newBuilder(current).setState(DeploymentState.SERVING).setPrevious(null).setUpdatedAtMs(nowMs)
                .setDetail("upgrade finished: " + current.getPrevious().getModelVersion() + " released").build();
    }

    private static void requireState(Deployment current, DeploymentState state, String step) {
        if (current.getState() != state) {
            throw new IllegalStateException("cannot " + step + " deployment '" + current.getName() + "': it is "
                    + current.getState() + ", not " + state);
        }
    }
}
