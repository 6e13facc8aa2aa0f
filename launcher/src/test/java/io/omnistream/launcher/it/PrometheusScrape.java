package io.omnistream.launcher.it;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The quality plane's series in a Prometheus text-format scrape, for comparing two processes' /metrics. */
final class PrometheusScrape {
    /** The families the quality plane exports (QualityPrometheus, BiasPrometheus, DriftAlertsConsumer). */
    static final List<String> QUALITY_FAMILIES = List.of("omnistream_retrieval_quality", "omnistream_retrieval_quality_queries",
            "omnistream_retrieval_quality_epoch", "omnistream_index_recall_loss", "omnistream_benchmark_task_not_scored",
            "omnistream_modality_bias", "omnistream_drift_alert_active", "omnistream_drift_alerts_total");

    private PrometheusScrape() {
    }

    /** Series ({@code name{labels}} exactly as written) of {@link #QUALITY_FAMILIES} → value. */
    static Map<String, Double> qualitySeries(String scrape) {
        Map<String, Double> series = new TreeMap<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, brace >= 0 ? brace : line.indexOf(' '));
            if (QUALITY_FAMILIES.contains(name)) {
                series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return series;
    }
}
