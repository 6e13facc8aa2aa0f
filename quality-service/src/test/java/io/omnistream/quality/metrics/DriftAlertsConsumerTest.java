package io.omnistream.quality.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.schemas.avro.DriftAlert;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The alert bookkeeping behind the Prometheus metrics, fed records directly (the stack feeds it from Kafka). */
class DriftAlertsConsumerTest {

    private static DriftAlert alert(String id, String version, String direction, Map<String, String> labels) {
        return DriftAlert.newBuilder().setAlertId(id).setMetric("topk_share@1").setModelVersion(version)
                .setDetector("page-hinkley").setStatistic(0.2).setThreshold(0.1).setDirection(direction)
                .setLabels(labels).setWindowStartMs(1).setWindowEndMs(2).setRaisedAtMs(3).build();
    }

    @Test
    void activeWhileRaisedZeroAfterClearedCountedOncePerAlertId() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        DriftAlertsConsumer c = new DriftAlertsConsumer(registry);
        Map<String, String> doc = Map.of("target_modality", "DOCUMENT", "query_modality", "TEXT");
        c.accept(alert("a1", "v2", "up", doc));
        c.accept(alert("a1", "v2", "up", doc)); // re-delivered after a restart: not counted again
        assertThat(c.activeSamples()).containsExactly(Map.entry(List.of("v2", "topk_share@1", "DOCUMENT"), 1.0));
        assertThat(scrape(registry)).contains(
                "omnistream_drift_alert_active{metric=\"topk_share@1\",modality=\"DOCUMENT\",model_version=\"v2\"} 1.0",
                "omnistream_drift_alerts_total{metric=\"topk_share@1\",model_version=\"v2\"} 1.0");
        // the CLEARED record (another model version may be current by then) ends the same alert id
        c.accept(alert("a1", "v3", "cleared", doc));
        assertThat(c.activeSamples()).containsExactly(Map.entry(List.of("v2", "topk_share@1", "DOCUMENT"), 0.0));
        assertThat(c.activeAlerts()).isEmpty();
        // a cleared record of an alert never seen raises nothing; a query-modality-only alert is labelled by it
        c.accept(alert("zz", "v2", "cleared", doc));
        c.accept(alert("a2", "v2", "down", Map.of("query_modality", "AUDIO")));
        assertThat(c.activeSamples()).containsEntry(List.of("v2", "topk_share@1", "AUDIO"), 1.0).hasSize(2);
        assertThat(scrape(registry)).contains(
                "omnistream_drift_alerts_total{metric=\"topk_share@1\",model_version=\"v2\"} 2.0");
        c.close();
    }

    private static String scrape(PrometheusRegistry registry) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
