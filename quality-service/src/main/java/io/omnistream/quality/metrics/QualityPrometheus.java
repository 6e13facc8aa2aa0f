package io.omnistream.quality.metrics;

import static io.omnistream.schemas.quality.QualityVocabulary.NOT_SCORED;
import static io.omnistream.schemas.quality.QualityVocabulary.PATH_SERVED;
import static io.omnistream.schemas.quality.QualityVocabulary.RECALL_LOSS_PREFIX;
import static io.omnistream.schemas.quality.QualityVocabulary.SCOPE_DRIFT_CHECK;
import static io.omnistream.schemas.quality.QualityVocabulary.SCOPE_TASK;

import io.omnistream.quality.view.QualityMetricsView;
import io.omnistream.schemas.avro.RetrievalMetric;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Prometheus gauges over a {@link QualityMetricsView}, computed at scrape time. Each series shows only its newest epoch
 * (for scope window: its newest window); epoch and window are not labels, so the number of series stays that of
 * tasks × models × paths × metrics however long the platform runs. All labels are the records' own fields; a field
 * that is null is the empty label value.
 *
 * <ul>
 *   <li>{@code omnistream_retrieval_quality{scope, task, meta_task, modality_pair, path, model_version, metric}}: the
 *       metric's value (a mean over queries, ratio 0..1; recall_loss@k in -1..1). Not not_scored.</li>
 *   <li>{@code omnistream_retrieval_quality_queries{scope, task, meta_task, modality_pair, path, model_version}}: the
 *       number of queries those values are averaged over (the largest n of the newest epoch/window).</li>
 *   <li>{@code omnistream_retrieval_quality_epoch{task, path, model_version}}: the newest epoch with task metrics.</li>
 *   <li>{@code omnistream_benchmark_task_not_scored{task}}: items dead-lettered in the task's newest epoch; present
 *       for every task with a kept not_scored record, 0 once a newer epoch has none (so an alert resolves).</li>
 *   <li>{@code omnistream_index_recall_loss{task, model_version, k}}: exact minus served recall@k (path served).</li>
 *   <li>{@code omnistream_drift_checked_epoch{scope, task, modality_pair, path, model_id, metric}}: the newest epoch of
 *       the series that a drift detector has closed and tested ({@code drift_check} records; scope is the series'
 *       scope). Until it reaches an epoch, "no alert" says nothing about that epoch.</li>
 * </ul>
 *
 * {@link #close()} unregisters the gauges.
 */
public final class QualityPrometheus implements AutoCloseable {
    /** Newest epoch first, then newest window, then most queries, then emitted last: picks what a series shows. */
    private static final Comparator<RetrievalMetric> NEWEST = Comparator
            .comparing(RetrievalMetric::getEpoch, Comparator.nullsFirst(Comparator.<Integer>naturalOrder()))
            .thenComparingLong(RetrievalMetric::getWindowStartMs)
            .thenComparingLong(RetrievalMetric::getN)
            .thenComparingLong(RetrievalMetric::getEmittedAtMs);

    private final QualityMetricsView view;
    private final PrometheusRegistry registry;
    private final List<GaugeWithCallback> gauges;

    public QualityPrometheus(QualityMetricsView view, PrometheusRegistry registry) {
        this.view = Objects.requireNonNull(view, "view");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.gauges = List.of(
                gauge("omnistream_retrieval_quality",
                        "Retrieval quality of the newest epoch (or window) per series: mean over queries, ratio 0..1 (recall_loss@k: -1..1)",
                        List.of("scope", "task", "meta_task", "modality_pair", "path", "model_version", "metric"),
                        () -> newestPer(metrics(), QualityPrometheus::qualityLabels), RetrievalMetric::getValue),
                gauge("omnistream_retrieval_quality_queries",
                        "Queries (count) the newest epoch's (or window's) retrieval quality values are averaged over",
                        List.of("scope", "task", "meta_task", "modality_pair", "path", "model_version"),
                        () -> newestPer(metrics(), QualityPrometheus::queryLabels), RetrievalMetric::getN),
                gauge("omnistream_retrieval_quality_epoch",
                        "Newest benchmark epoch (number) with task retrieval quality metrics",
                        List.of("task", "path", "model_version"),
                        () -> newestPer(metrics().filter(QualityPrometheus::isTaskEpochRecord),
                                m -> List.of(label(m.getTaskId()), m.getPath(), m.getModelVersion())),
                        RetrievalMetric::getEpoch),
                gauge("omnistream_benchmark_task_not_scored",
                        "Benchmark items (count) of the task dead-lettered in its newest epoch, so the task was not scored",
                        List.of("task"),
                        this::notScoredOfNewestEpoch, RetrievalMetric::getValue),
                gauge("omnistream_index_recall_loss",
                        "Exact minus served (ANN index) recall@k of the newest epoch, ratio -1..1",
                        List.of("task", "model_version", "k"),
                        () -> newestPer(metrics().filter(QualityPrometheus::isRecallLoss), m -> List.of(label(m.getTaskId()),
                                m.getModelVersion(), m.getMetric().substring(RECALL_LOSS_PREFIX.length()))),
                        RetrievalMetric::getValue),
                gauge("omnistream_drift_checked_epoch",
                        "Newest epoch (number) of the series that a drift detector has closed and tested",
                        List.of("scope", "task", "modality_pair", "path", "model_id", "metric"),
                        () -> newestPer(view.latest().stream().filter(QualityPrometheus::isEpochCheck),
                                m -> List.of(label(m.getDetail()), label(m.getTaskId()), modalityPair(m), m.getPath(),
                                        m.getModelId(), m.getMetric())),
                        RetrievalMetric::getEpoch));
    }

    /**
     * A gauge whose samples are, at each scrape, {@code samples} (label values → record) mapped to {@code value}.
     * Label values are unique per scrape by construction (map keys), which client_java requires.
     */
    private GaugeWithCallback gauge(String name, String help, List<String> labelNames,
                                    Supplier<Map<List<String>, RetrievalMetric>> samples,
                                    ToDoubleFunction<RetrievalMetric> value) {
        return GaugeWithCallback.builder().name(name).help(help).labelNames(labelNames.toArray(String[]::new))
                .callback(callback -> samples.get().forEach((labels, record) ->
                        callback.call(value.applyAsDouble(record), labels.toArray(String[]::new))))
                .register(registry);
    }

    /** Every kept quality record: not not_scored (it has its own gauge), not the detectors' drift_check progress. */
    private Stream<RetrievalMetric> metrics() {
        return view.latest().stream().filter(m -> !NOT_SCORED.equals(m.getMetric()) && !SCOPE_DRIFT_CHECK.equals(m.getScope()));
    }

    private static boolean isEpochCheck(RetrievalMetric m) {
        return SCOPE_DRIFT_CHECK.equals(m.getScope()) && m.getEpoch() != null;
    }

    /**
     * Per task with a kept not_scored record: that record if it is of the task's newest epoch (any task-scope record
     * counts), else a zero-valued stand-in.
     */
    private Map<List<String>, RetrievalMetric> notScoredOfNewestEpoch() {
        List<RetrievalMetric> taskRecords = view.latest().stream().filter(QualityPrometheus::isTaskEpochRecord).toList();
        Map<String, Integer> newestEpoch = taskRecords.stream()
                .collect(Collectors.toMap(RetrievalMetric::getTaskId, RetrievalMetric::getEpoch, Math::max));
        Map<List<String>, RetrievalMetric> samples = new HashMap<>();
        taskRecords.stream().filter(m -> NOT_SCORED.equals(m.getMetric())).forEach(m -> {
            boolean current = m.getEpoch().equals(newestEpoch.get(m.getTaskId()));
            RetrievalMetric sample = current ? m : RetrievalMetric.newBuilder(m).setValue(0).build();
            samples.merge(List.of(m.getTaskId()), sample, BinaryOperator.maxBy(NEWEST));
        });
        return samples;
    }

    private static Map<List<String>, RetrievalMetric> newestPer(Stream<RetrievalMetric> records,
                                                                 Function<RetrievalMetric, List<String>> labels) {
        return records.collect(Collectors.toMap(labels, Function.identity(), BinaryOperator.maxBy(NEWEST)));
    }

    private static List<String> queryLabels(RetrievalMetric m) {
        return List.of(m.getScope(), label(m.getTaskId()), label(m.getMetaTask()), modalityPair(m), m.getPath(),
                m.getModelVersion());
    }

    private static List<String> qualityLabels(RetrievalMetric m) {
        return Stream.concat(queryLabels(m).stream(), Stream.of(m.getMetric())).toList();
    }

    /** "TEXT->IMAGE", or "" unless both modalities are set. */
    static String modalityPair(RetrievalMetric m) {
        return m.getQueryModality() == null || m.getTargetModality() == null
                ? "" : m.getQueryModality() + "->" + m.getTargetModality();
    }

    private static boolean isTaskEpochRecord(RetrievalMetric m) {
        return SCOPE_TASK.equals(m.getScope()) && m.getTaskId() != null && m.getEpoch() != null;
    }

    private static boolean isRecallLoss(RetrievalMetric m) {
        return SCOPE_TASK.equals(m.getScope()) && PATH_SERVED.equals(m.getPath())
                && m.getMetric().startsWith(RECALL_LOSS_PREFIX);
    }

    private static String label(String value) {
        return value == null ? "" : value;
    }

    @Override
    public void close() {
        gauges.forEach(registry::unregister);
    }
}
