package io.omnistream.flink.upgrade;

import io.omnistream.schemas.avro.GateDecision;
import java.util.Arrays;

/**
 * A {@link GateDecision} as a Flink POJO (Avro classes do not travel between operators, see {@code BenchEmbedding});
 * checks are an array so that every field has a native Flink serializer. Convert with {@link #toAvro()} in the sink.
 */
public class GateDecisionEvent {
    public String deployment;
    public String liveModelVersion;
    public String shadowModelVersion;
    public int epoch;
    public boolean passed;
    public GateCheckEvent[] checks;
    public long decidedAtMs;
    public String reason;

    public GateDecisionEvent() {
    }

    public GateDecision toAvro() {
        return GateDecision.newBuilder().setDeployment(deployment).setLiveModelVersion(liveModelVersion)
                .setShadowModelVersion(shadowModelVersion).setEpoch(epoch).setPassed(passed)
                .setChecks(Arrays.stream(checks).map(GateCheckEvent::toAvro).toList())
                .setDecidedAtMs(decidedAtMs).setReason(reason).build();
    }

    @Override
    public String toString() {
        return "GateDecision{" + deployment + " " + liveModelVersion + " -> " + shadowModelVersion + " #" + epoch + " "
                + (passed ? "passed" : "failed") + ": " + reason + "}";
    }
}
