package io.omnistream.quality.metrics;

import io.omnistream.quality.view.QualityMetricsView;
import io.omnistream.schemas.avro.RetrievalMetric;
import io.omnistream.schemas.quality.QualityVocabulary;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The modality-bias job's records of a {@link QualityMetricsView} as a Prometheus gauge, computed at scrape time:
 * {@code omnistream_modality_bias{model_version, task, metric, query_modality, result_modality}} = the value of the
 * newest epoch (scope modality_bias; task "" for the row over all tasks) or the newest window (scope modality_gap,
 * task ""). Modality labels are "" where the row has none (e.g. the overall target-modality accuracy). Metric names:
 * {@code io.omnistream.flink.bias.BiasMetricNames}. {@link #close()} unregisters the gauge.
 */
public final class BiasPrometheus implements AutoCloseable {
    /** The scopes of the modality-bias job's records (modality_bias, modality_gap). */
    public static final Set<String> SCOPES = Set.of(QualityVocabulary.SCOPE_MODALITY_BIAS, QualityVocabulary.SCOPE_MODALITY_GAP);
    private static final Comparator<RetrievalMetric> NEWEST = Comparator
            .comparing(RetrievalMetric::getEpoch, Comparator.nullsFirst(Comparator.<Integer>naturalOrder()))
            .thenComparingLong(RetrievalMetric::getWindowStartMs)
            .thenComparingLong(RetrievalMetric::getEmittedAtMs);

    private final QualityMetricsView view;
    private final PrometheusRegistry registry;
    private final List<GaugeWithCallback> gauges;

    public BiasPrometheus(QualityMetricsView view, PrometheusRegistry registry) {
        this.view = Objects.requireNonNull(view, "view");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.gauges = List.of(gauge("omnistream_modality_bias",
                "Modality-bias and modality-gap metrics of the newest epoch (or window) per series: shares, accuracies "
                        + "and differences of them (ratio), cosines, centroid distances",
                List.of("model_version", "task", "metric", "query_modality", "result_modality"),
                () -> view.latest().stream().filter(m -> SCOPES.contains(m.getScope()))
                        .collect(Collectors.toMap(BiasPrometheus::labels, Function.identity(),
                                BinaryOperator.maxBy(NEWEST))),
                RetrievalMetric::getValue));
    }

    private GaugeWithCallback gauge(String name, String help, List<String> labelNames,
                                    Supplier<Map<List<String>, RetrievalMetric>> samples,
                                    ToDoubleFunction<RetrievalMetric> value) {
        return GaugeWithCallback.builder().name(name).help(help).labelNames(labelNames.toArray(String[]::new))
                .callback(callback -> samples.get().forEach((labels, record) ->
                        callback.call(value.applyAsDouble(record), labels.toArray(String[]::new))))
                .register(registry);
    }

    static List<String> labels(RetrievalMetric m) {
        return List.of(m.getModelVersion(), label(m.getTaskId()), m.getMetric(),
                m.getQueryModality() == null ? "" : m.getQueryModality().name(),
                m.getTargetModality() == null ? "" : m.getTargetModality().name());
    }

    private static String label(String value) {
        return value == null ? "" : value;
    }

    @Override
    public void close() {
        gauges.forEach(registry::unregister);
    }
}
