package io.omnistream.milvus.sink;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The sink's Prometheus metrics. Registered once per registry and shared by every sink in it (one per embedding
 * topic), hence the {@code topic} label on the counters.
 *
 * <ul>
 *   <li>{@code omnistream_sink_upserts_total{topic}}: rows Milvus accepted (after collapsing)</li>
 *   <li>{@code omnistream_sink_deletes_total{topic}}: content ids deleted (tombstones after collapsing)</li>
 *   <li>{@code omnistream_sink_retries_total{topic}}: Milvus calls retried after a transient error</li>
 *   <li>{@code omnistream_sink_dlq_total{topic}}: records dead-lettered</li>
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

    private SinkMetrics(PrometheusRegistry registry) {
        upserts = Counter.builder().name("omnistream_sink_upserts_total")
                .help("Rows upserted into Milvus by the sink (after collapsing per content id)")
                .labelNames("topic").register(registry);
        deletes = Counter.builder().name("omnistream_sink_deletes_total")
                .help("Content ids deleted from Milvus by the sink (tombstones)")
                .labelNames("topic").register(registry);
        retries = Counter.builder().name("omnistream_sink_retries_total")
                .help("Milvus calls retried by the sink after a transient error")
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
    }

    /** The metrics registered in {@code registry}, registering them on first use. */
    public static synchronized SinkMetrics in(PrometheusRegistry registry) {
        return BY_REGISTRY.computeIfAbsent(registry, SinkMetrics::new);
    }
}
