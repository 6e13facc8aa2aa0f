package io.omnistream.encoder.worker;

import io.omnistream.runtime.stage.KafkaStage;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus metrics of encoder workers. One instance per {@link PrometheusRegistry}; share it between workers of one
 * process (the label {@code model} tells them apart). All labels have bounded value sets.
 *
 * <ul>
 *   <li>{@code omnistream_encoder_events_total{model, outcome}}: outcome = embedded | tombstone | dead_lettered | unchanged | skipped_history</li>
 *   <li>{@code omnistream_encoder_batch_size{model}}: events per inference batch (histogram)</li>
 *   <li>{@code omnistream_encoder_inference_seconds{model}}: wall time of one batch's tokenise + infer + pool</li>
 *   <li>{@code omnistream_encoder_queue_seconds{model}}: time an event waited in the worker between poll and the
 *       start of its batch's inference (the latency micro-batching adds; bounded by encoder.batch.max-wait plus
 *       the previous batch's processing)</li>
 *   <li>{@code omnistream_encoder_dlq_total{model, stage, reason_class}}: dead-lettered events</li>
 *   <li>{@code omnistream_encoder_batch_retries_total{model}}: batch retries after transient failures</li>
 *   <li>{@code omnistream_encoder_paused{model}}: 1 while the worker waits out a transient failure with its
 *       partitions paused, else 0</li>
 *   <li>{@code omnistream_encoder_outage_seconds{model}}: how long the batch now being retried has been failing,
 *       seconds (0 when not paused)</li>
 *   <li>{@code omnistream_encoder_preprocess_seconds{model,modality}}: decoding + recognition (cascade) time of one
 *       non-text event, before its text is embedded</li>
 * </ul>
 */
public final class WorkerMetrics {
    final Counter events;
    final Histogram batchSize;
    final Histogram inferenceSeconds;
    final Histogram queueSeconds;
    final Counter dlq;
    final Counter retries;
    final Histogram preprocessSeconds;
    private final Map<String, KafkaStage> stages = new ConcurrentHashMap<>();

    public WorkerMetrics(PrometheusRegistry registry) {
        events = Counter.builder().name("omnistream_encoder_events_total")
                .help("Media events handled by encoder workers, by outcome")
                .labelNames("model", "outcome").register(registry);
        batchSize = Histogram.builder().name("omnistream_encoder_batch_size")
                .help("Events per inference batch")
                .classicOnly().classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
                .labelNames("model").register(registry);
        inferenceSeconds = Histogram.builder().name("omnistream_encoder_inference_seconds").unit(Unit.SECONDS)
                .help("Wall time to tokenise, run and pool one batch")
                .classicOnly().classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .labelNames("model").register(registry);
        queueSeconds = Histogram.builder().name("omnistream_encoder_queue_seconds").unit(Unit.SECONDS)
                .help("Time an event waited inside the worker between poll and the start of its batch's inference")
                .classicOnly().classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .labelNames("model").register(registry);
        dlq = Counter.builder().name("omnistream_encoder_dlq_total")
                .help("Events written to the dead-letter topic, by stage and reason class")
                .labelNames("model", "stage", "reason_class").register(registry);
        retries = Counter.builder().name("omnistream_encoder_batch_retries_total")
                .help("Batch retries after transient encoder failures")
                .labelNames("model").register(registry);
        preprocessSeconds = Histogram.builder().name("omnistream_encoder_preprocess_seconds").unit(Unit.SECONDS)
                .help("Wall time to decode and transcribe (OCR / speech recognition) one non-text event")
                .classicOnly().classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .labelNames("model", "modality").register(registry);
        GaugeWithCallback.builder().name("omnistream_encoder_paused")
                .help("1 while the worker waits out a transient failure with its partitions paused, else 0")
                .labelNames("model")
                .callback(cb -> stages.forEach((model, stage) -> cb.call(stage.paused() ? 1 : 0, model)))
                .register(registry);
        GaugeWithCallback.builder().name("omnistream_encoder_outage_seconds")
                .help("Seconds the batch the worker is retrying has been failing transiently; 0 when not paused")
                .labelNames("model")
                .callback(cb -> stages.forEach((model, stage) -> cb.call(stage.outageSeconds(), model)))
                .register(registry);
    }

    /** Exports {@code stage}'s pause state under {@code model} (the latest worker of a model wins). */
    void track(String model, KafkaStage stage) {
        stages.put(model, stage);
    }
}
