package io.omnistream.milvus.sink;

import io.omnistream.runtime.stage.KafkaStage;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sink's Prometheus metrics. Registered once per registry and shared by every sink in it (one per embedding
 * topic), hence the {@code topic} label on the counters.
 *
 * <ul>
 *   <li>{@code omnistream_sink_upserts_total{topic}}: rows Milvus accepted (after collapsing)</li>
 *   <li>{@code omnistream_sink_deletes_total{topic}}: content ids deleted (tombstones after collapsing)</li>
 *   <li>{@code omnistream_sink_retries_total{topic}}: batch writes retried after a transient Milvus error</li>
 *   <li>{@code omnistream_sink_dlq_total{topic}}: records dead-lettered</li>
 *   <li>{@code omnistream_sink_paused{topic}}: 1 while the sink waits out a Milvus outage with its partitions
 *       paused, else 0</li>
 *   <li>{@code omnistream_sink_outage_seconds{topic}}: how long the batch now being retried has been failing,
 *       seconds (0 when not paused)</li>
 *   <li>{@code omnistream_milvus_request_seconds{operation}}: latency of Milvus calls in seconds, including failed
 *       ones (operation = bootstrap, upsert, delete)</li>
 * </ul>
 */
public final class SinkMetrics {
    private static final Map<PrometheusRegistry, SinkMetrics> BY_REGISTRY = new WeakHashMap<>();

    final Counter upserts;
    final Counter deletes;
    final Counter retries;
    final Counter dlq;
    final Histogram requestSeconds;
    private final Map<String, KafkaStage> stages = new ConcurrentHashMap<>();

    private SinkMetrics(PrometheusRegistry registry) {
        upserts = Counter.builder().name("omnistream_sink_upserts_total")
                .help("Rows upserted into Milvus by the sink (after collapsing per content id)")
                .labelNames("topic").register(registry);
        deletes = Counter.builder().name("omnistream_sink_deletes_total")
                .help("Content ids deleted from Milvus by the sink (tombstones)")
                .labelNames("topic").register(registry);
        retries = Counter.builder().name("omnistream_sink_retries_total")
                .help("Batch writes retried by the sink after a transient Milvus error")
                .labelNames("topic").register(registry);
        dlq = Counter.builder().name("omnistream_sink_dlq_total")
                .help("Records the sink sent to the dead-letter topic")
                .labelNames("topic").register(registry);
        requestSeconds = Histogram.builder().name("omnistream_milvus_request_seconds")
                .help("Latency of Milvus calls made by the sink, seconds")
                .labelNames("operation")
                .classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
                .register(registry);
        GaugeWithCallback.builder().name("omnistream_sink_paused")
                .help("1 while the sink waits out a transient Milvus failure with its partitions paused, else 0")
                .labelNames("topic")
                .callback(cb -> stages.forEach((topic, stage) -> cb.call(stage.paused() ? 1 : 0, topic)))
                .register(registry);
        GaugeWithCallback.builder().name("omnistream_sink_outage_seconds")
                .help("Seconds the batch the sink is retrying has been failing transiently; 0 when not paused")
                .labelNames("topic")
                .callback(cb -> stages.forEach((topic, stage) -> cb.call(stage.outageSeconds(), topic)))
                .register(registry);
    }

    /** Exports {@code stage}'s pause state under {@code topic} (the latest sink of a topic wins). */
    void track(String topic, KafkaStage stage) {
        stages.put(topic, stage);
    }

    /** The metrics registered in {@code registry}, registering them on first use. */
    public static synchronized SinkMetrics in(PrometheusRegistry registry) {
        return BY_REGISTRY.computeIfAbsent(registry, SinkMetrics::new);
    }
}
