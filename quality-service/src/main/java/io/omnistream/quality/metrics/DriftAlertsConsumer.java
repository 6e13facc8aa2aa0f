package io.omnistream.quality.metrics;

import io.omnistream.runtime.kafka.TopicSnapshot;
import io.omnistream.schemas.avro.DriftAlert;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The drift alerts of {@code quality.alerts.v1} as Prometheus metrics; the embedded stack feeds it every record with an
 * {@code AvroTopicReader} (from the beginning of the topic):
 * <ul>
 *   <li>{@code omnistream_drift_alert_active{model_version, metric, modality}}: 1 while an alert of that series is
 *       active, 0 once it was CLEARED (labels of the raising record; modality = its target modality label, else its
 *       query modality, else "");</li>
 *   <li>{@code omnistream_drift_alerts_total{model_version, metric}}: alerts raised (distinct alert ids; a re-delivered
 *       record, e.g. after a job restart, is not counted again).</li>
 * </ul>
 * {@link #read} reads the topic once to its end, for {@code ./omnistream alerts}. {@link #close()} unregisters the
 * metrics. Thread-safe.
 */
public final class DriftAlertsConsumer implements AutoCloseable {
    public static final String CLEARED = "cleared";

    private final PrometheusRegistry registry;
    private final GaugeWithCallback active;
    private final Counter total;
    /** alertId → the raising record; alertId → whether active. Guarded by this. */
    private final Map<String, DriftAlert> raised = new LinkedHashMap<>();
    private final Map<String, Boolean> isActive = new HashMap<>();

    public DriftAlertsConsumer(PrometheusRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.active = GaugeWithCallback.builder().name("omnistream_drift_alert_active")
                .help("1 while a drift alert of the series is active, 0 after it was cleared")
                .labelNames("model_version", "metric", "modality")
                .callback(callback -> activeSamples().forEach((labels, value) ->
                        callback.call(value, labels.toArray(String[]::new))))
                .register(registry);
        this.total = Counter.builder().name("omnistream_drift_alerts_total")
                .help("Drift alerts raised (count of distinct alert ids)")
                .labelNames("model_version", "metric")
                .register(registry);
    }

    /**
     * Every alert record on {@code topic}, from the beginning to the end offsets as of the call, in each partition's
     * order. A schema id the registry does not know (the embedded stack's {@code mock://} registry lives in the
     * stack's JVM, not in a CLI process) is read with this build's own DriftAlert schema, which is the schema the
     * stack of the same build wrote with.
     *
     * @param timeout how long to wait for the topic's metadata and records
     * @throws IllegalStateException if the topic does not exist or the end is not reached within the timeout
     */
    public static List<DriftAlert> read(String bootstrapServers, String registryUrl, String topic, Duration timeout) {
        return read(java.util.Map.<String, Object>of("bootstrap.servers", bootstrapServers), registryUrl, topic, timeout);
    }

    /** {@link #read(String, String, String, Duration)} with a consumer on {@code clientProperties} (servers, security). */
    public static List<DriftAlert> read(java.util.Map<String, Object> clientProperties, String registryUrl, String topic,
                                        Duration timeout) {
        ConfluentAvroDeserializer<DriftAlert> deserializer =
                ConfluentAvroDeserializer.withLocalSchemaFallback(DriftAlert.class, registryUrl);
        List<DriftAlert> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicSnapshot.read(clientProperties, topic, timeout)) {
            if (r.value() != null) {
                out.add(deserializer.deserialize(r.topic(), r.value()));
            }
        }
        return out;
    }

    /** Applies one alert record. */
    public synchronized void accept(DriftAlert a) {
        String id = a.getAlertId();
        if (CLEARED.equals(a.getDirection())) {
            if (raised.containsKey(id)) {
                isActive.put(id, false);
            }
            return;
        }
        if (raised.putIfAbsent(id, a) == null) {
            total.labelValues(a.getModelVersion(), a.getMetric()).inc();
        }
        isActive.put(id, true);
    }

    /** (model_version, metric, modality) → 1 if any of its alerts is active, else 0. */
    synchronized Map<List<String>, Double> activeSamples() {
        Map<List<String>, Double> samples = new LinkedHashMap<>();
        raised.forEach((id, a) -> samples.merge(List.of(a.getModelVersion(), a.getMetric(), modality(a)),
                isActive.getOrDefault(id, false) ? 1.0 : 0.0, Math::max));
        return samples;
    }

    static String modality(DriftAlert a) {
        Map<String, String> labels = a.getLabels();
        String m = labels.get("target_modality");
        if (m == null) {
            m = labels.get("query_modality");
        }
        return m == null ? "" : m;
    }

    /** Alerts currently active (raising records). */
    public synchronized List<DriftAlert> activeAlerts() {
        List<DriftAlert> out = new ArrayList<>();
        raised.forEach((id, a) -> {
            if (isActive.getOrDefault(id, false)) {
                out.add(a);
            }
        });
        return out;
    }

    @Override
    public void close() {
        registry.unregister(active);
        registry.unregister(total);
    }
}
