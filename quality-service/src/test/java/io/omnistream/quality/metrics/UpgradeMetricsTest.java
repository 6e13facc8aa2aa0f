package io.omnistream.quality.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.schemas.avro.Deployment;
import io.omnistream.schemas.avro.DeploymentState;
import io.omnistream.schemas.avro.GateCheck;
import io.omnistream.schemas.avro.GateDecision;
import io.omnistream.schemas.avro.GateSpec;
import io.omnistream.schemas.avro.ModelTarget;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deployment and gate records as Prometheus metrics, fed directly (the quality plane feeds them from Kafka). */
class UpgradeMetricsTest {
    private static ModelTarget target(String version) {
        return ModelTarget.newBuilder().setModelId("m").setModelVersion(version).setEmbeddingTopic("embeddings.m.v1")
                .setCollection("emb_" + version).build();
    }

    private static Deployment deployment(DeploymentState state, String live, String shadow) {
        return Deployment.newBuilder().setName("default").setState(state).setLive(target(live))
                .setShadow(shadow == null ? null : target(shadow)).setGate(GateSpec.newBuilder().build())
                .setUpdatedAtMs(1).build();
    }

    private static GateDecision decision(String live, String shadow, boolean passed) {
        return GateDecision.newBuilder().setDeployment("default").setLiveModelVersion(live).setShadowModelVersion(shadow)
                .setEpoch(3).setPassed(passed).setDecidedAtMs(2).setReason("r")
                .setChecks(List.of(GateCheck.newBuilder().setRule("primary_metric").setSubject("scifact")
                        .setMetric("ndcg@10").setLiveValue(0.7).setShadowValue(0.6).setThreshold(0.65)
                        .setPassed(false).build()))
                .build();
    }

    @Test
    void stateAliasAndTheGateOfTheCurrentPairOnly() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        UpgradeMetrics m = new UpgradeMetrics(registry);
        m.accept(deployment(DeploymentState.SHADOWING, "v1", "v2"));
        String text = scrape(registry);
        assertThat(text).contains(
                "omnistream_upgrade_state{deployment=\"default\",state=\"SHADOWING\"} 1.0",
                "omnistream_upgrade_state{deployment=\"default\",state=\"SERVING\"} 0.0",
                "omnistream_upgrade_alias_target{deployment=\"default\",model_version=\"v1\"} 1.0",
                "omnistream_upgrade_gate_passed{deployment=\"default\",shadow_version=\"v2\"} -1.0");

        // a decision on another pair (an earlier upgrade) says nothing about this one
        m.accept(decision("v1", "v0", true));
        assertThat(scrape(registry)).contains("omnistream_upgrade_gate_passed{deployment=\"default\",shadow_version=\"v2\"} -1.0");

        m.accept(decision("v1", "v2", false));
        assertThat(scrape(registry)).contains(
                "omnistream_upgrade_gate_passed{deployment=\"default\",shadow_version=\"v2\"} 0.0",
                "omnistream_upgrade_gate_figure{deployment=\"default\",rule=\"primary_metric\",subject=\"scifact\",value=\"live\"} 0.7",
                "omnistream_upgrade_gate_figure{deployment=\"default\",rule=\"primary_metric\",subject=\"scifact\",value=\"shadow\"} 0.6",
                "omnistream_upgrade_gate_figure{deployment=\"default\",rule=\"primary_metric\",subject=\"scifact\",value=\"threshold\"} 0.65");

        // aborted: serving again, no gate gauge; the alias still names live
        m.accept(deployment(DeploymentState.SERVING, "v1", null));
        text = scrape(registry);
        assertThat(text).doesNotContain("omnistream_upgrade_gate_passed{")
                .contains("omnistream_upgrade_state{deployment=\"default\",state=\"SERVING\"} 1.0");
        m.close();
        assertThat(scrape(registry)).doesNotContain("omnistream_upgrade_");
    }

    private static String scrape(PrometheusRegistry registry) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
