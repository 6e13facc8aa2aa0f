package io.omnistream.quality.view;

import static io.omnistream.quality.view.QualityMetricNames.QUERIES;
import static io.omnistream.schemas.quality.QualityVocabulary.HIT_AT_1;
import static io.omnistream.schemas.quality.QualityVocabulary.NOT_SCORED;
import static io.omnistream.schemas.quality.QualityVocabulary.SCOPE_TASK;
import static io.omnistream.schemas.quality.QualityVocabulary.SCOPE_WINDOW;

import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.avro.RetrievalMetric;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The latest value of every quality-metric series read from {@code quality.metrics.v1}, in memory.
 *
 * <p><b>Series and last-value-wins.</b> A series is (model version, path, scope, task, meta task, query and target
 * modality, epoch, metric) plus, for scope {@code window} only, the window (start and end). Other scopes leave the
 * window out of the identity because their window is the event-time span seen so far, which the job widens with every
 * emission. A record replaces the stored record of its series whatever their {@code n} or {@code emittedAtMs}: the
 * topic's order is the truth (it has one partition). Re-delivering a record, e.g. after a job restart, changes nothing.
 *
 * <p><b>Bounded memory.</b> Per task, only the newest {@code maxEpochsPerTask} epochs are kept (counting every
 * task-scope record of the task: all model versions, paths and {@code not_scored}); when a newer epoch arrives the
 * series of the oldest are dropped, and a record of an epoch older than all kept ones is ignored. Records of the
 * other epoch-carrying scopes (meta_task, modality_pair, model) are bounded the same way per (scope, meta task,
 * modality pair). Per window-scope series (the series identity without its window), only the newest
 * {@code maxWindows} windows by start time are kept. Records without an epoch outside scope window are not bounded
 * by age: there is one per series, and the number of series is the number of tasks × models × paths × metrics.
 *
 * <p><b>Thread safety.</b> All methods are safe to call from any thread; each query sees a consistent state (one
 * lock). Records are copied in and out, so callers cannot change the view's state through them.
 */
public final class QualityMetricsView {
    public static final int DEFAULT_MAX_EPOCHS_PER_TASK = 3;
    public static final int DEFAULT_MAX_WINDOWS = 10;

    /**
     * The dead-letter summary of a task in one epoch, from its {@code not_scored} record: {@code deadLettered} items
     * (the record's value), {@code reason} its detail ("" if it has none).
     */
    public record NotScored(String taskId, int epoch, long deadLettered, String reason) {}

    /** Identity of a series; window bounds are 0 outside scope window. */
    private record SeriesKey(String modelVersion, String path, String scope, String taskId, String metaTask,
                             Modality queryModality, Modality targetModality, Integer epoch, String metric,
                             long windowStartMs, long windowEndMs) {
        static SeriesKey of(RetrievalMetric m) {
            boolean window = SCOPE_WINDOW.equals(m.getScope());
            return new SeriesKey(m.getModelVersion(), m.getPath(), m.getScope(), m.getTaskId(), m.getMetaTask(),
                    m.getQueryModality(), m.getTargetModality(), m.getEpoch(), m.getMetric(),
                    window ? m.getWindowStartMs() : 0, window ? m.getWindowEndMs() : 0);
        }

        SeriesKey withoutWindow() {
            return new SeriesKey(modelVersion, path, scope, taskId, metaTask, queryModality, targetModality, epoch,
                    metric, 0, 0);
        }
    }

    /** What epoch retention counts over: a task (scope task), or a (scope, meta task, modality pair) otherwise. */
    private record EpochGroup(String scope, String taskId, String metaTask, Modality queryModality, Modality targetModality) {
        static EpochGroup of(RetrievalMetric m) {
            return SCOPE_TASK.equals(m.getScope())
                    ? task(m.getTaskId())
                    : new EpochGroup(m.getScope(), null, m.getMetaTask(), m.getQueryModality(), m.getTargetModality());
        }

        static EpochGroup task(String taskId) {
            return new EpochGroup(SCOPE_TASK, taskId, null, null, null);
        }
    }

    private final int maxEpochsPerTask;
    private final int maxWindows;
    private final Map<SeriesKey, RetrievalMetric> latest = new HashMap<>();
    /** Series that carry an epoch, outside scope window, by retention group and epoch. */
    private final Map<EpochGroup, TreeMap<Integer, Set<SeriesKey>>> seriesByEpoch = new HashMap<>();
    /** Window-scope series, by their identity without window and by window start (ms). */
    private final Map<SeriesKey, TreeMap<Long, Set<SeriesKey>>> seriesByWindow = new HashMap<>();

    public QualityMetricsView() {
        this(DEFAULT_MAX_EPOCHS_PER_TASK, DEFAULT_MAX_WINDOWS);
    }

    /**
     * @param maxEpochsPerTask newest epochs kept per task (and per other epoch-carrying group), at least 1
     * @param maxWindows       newest windows kept per window-scope series, at least 1
     */
    public QualityMetricsView(int maxEpochsPerTask, int maxWindows) {
        if (maxEpochsPerTask < 1) {
            throw new IllegalArgumentException("maxEpochsPerTask must be at least 1, got " + maxEpochsPerTask);
        }
        if (maxWindows < 1) {
            throw new IllegalArgumentException("maxWindows must be at least 1, got " + maxWindows);
        }
        this.maxEpochsPerTask = maxEpochsPerTask;
        this.maxWindows = maxWindows;
    }

    /**
     * Stores {@code record} as the latest value of its series.
     *
     * @return false if the record was ignored because its epoch (or window) is older than every one kept for its group
     */
    public synchronized boolean accept(RetrievalMetric record) {
        Objects.requireNonNull(record, "record");
        RetrievalMetric copy = RetrievalMetric.newBuilder(record).build();
        SeriesKey key = SeriesKey.of(copy);
        boolean admitted;
        if (SCOPE_WINDOW.equals(copy.getScope())) {
            admitted = admit(seriesByWindow.computeIfAbsent(key.withoutWindow(), k -> new TreeMap<>()),
                    copy.getWindowStartMs(), key, maxWindows);
        } else if (copy.getEpoch() != null) {
            admitted = admit(seriesByEpoch.computeIfAbsent(EpochGroup.of(copy), g -> new TreeMap<>()),
                    copy.getEpoch(), key, maxEpochsPerTask);
        } else {
            admitted = true;
        }
        if (admitted) {
            latest.put(key, copy);
        }
        return admitted;
    }

    /**
     * Files {@code key} under {@code slot} (an epoch or a window start), dropping the series of the oldest slots
     * beyond {@code max}. Refuses a new slot older than all of {@code max} kept ones: it would be dropped at once.
     */
    private <S extends Comparable<S>> boolean admit(TreeMap<S, Set<SeriesKey>> slots, S slot, SeriesKey key, int max) {
        Set<SeriesKey> series = slots.get(slot);
        if (series == null) {
            if (slots.size() >= max && slot.compareTo(slots.firstKey()) < 0) {
                return false;
            }
            series = new HashSet<>();
            slots.put(slot, series);
            while (slots.size() > max) {
                slots.pollFirstEntry().getValue().forEach(latest::remove);
            }
        }
        series.add(key);
        return true;
    }

    /** Copies of the latest record of every kept series, in no particular order. */
    public synchronized List<RetrievalMetric> latest() {
        List<RetrievalMetric> out = new ArrayList<>(latest.size());
        latest.values().forEach(m -> out.add(RetrievalMetric.newBuilder(m).build()));
        return out;
    }

    /** The newest kept epoch with any task-scope record of the task ({@code not_scored} included). */
    public synchronized OptionalInt latestEpoch(String taskId) {
        TreeMap<Integer, Set<SeriesKey>> epochs = seriesByEpoch.get(EpochGroup.task(taskId));
        return epochs == null || epochs.isEmpty() ? OptionalInt.empty() : OptionalInt.of(epochs.lastKey());
    }

    /** Model versions with task-scope metrics for the task, epoch and path (not {@code not_scored}), sorted. */
    public synchronized Set<String> modelVersions(String taskId, int epoch, String path) {
        return new TreeSet<>(metricsByModel(taskId, epoch, path).keySet());
    }

    /** {@link #taskReport(String, int, String, String)} of the model version whose records were emitted last. */
    public Map<String, Object> taskReport(String taskId, int epoch, String path) {
        return taskReport(taskId, epoch, path, null);
    }

    /**
     * The task's score on one path in one epoch: metric name → value (Double) in
     * {@link QualityMetricNames#reportOrder report order}, then {@code "queries"} → the number of queries scored
     * (Long, see {@link #queriesScored}). On path served this includes the served-only metrics. Empty when the task
     * has no metrics there yet; a {@code not_scored} record is never part of it (see {@link #notScored}).
     *
     * @param modelVersion the model version to report, or null for the one whose latest record for this task, epoch
     *                     and path has the highest {@code emittedAtMs} (ties: the alphabetically last version)
     */
    public synchronized Map<String, Object> taskReport(String taskId, int epoch, String path, String modelVersion) {
        Map<String, RetrievalMetric> byMetric = taskMetrics(taskId, epoch, path, modelVersion);
        Map<String, Object> report = new LinkedHashMap<>();
        if (byMetric.isEmpty()) {
            return report;
        }
        for (String metric : QualityMetricNames.reportOrder(byMetric.keySet())) {
            report.put(metric, byMetric.get(metric).getValue());
        }
        report.put(QUERIES, queryCount(byMetric));
        return report;
    }

    /**
     * Queries scored so far for the task, epoch and path: the {@code n} of its hit@1 record (of the model version
     * {@link #taskReport(String, int, String)} picks), or -1 if there is none.
     */
    public synchronized long queriesScored(String taskId, int epoch, String path) {
        RetrievalMetric hitAt1 = taskMetrics(taskId, epoch, path, null).get(HIT_AT_1);
        return hitAt1 == null ? -1 : hitAt1.getN();
    }

    /** The task's {@code not_scored} record of that epoch, if any. */
    public synchronized Optional<NotScored> notScored(String taskId, int epoch) {
        return epochSeries(taskId, epoch).stream()
                .filter(key -> NOT_SCORED.equals(key.metric()) && SCOPE_TASK.equals(key.scope()))
                .map(latest::get)
                .max(Comparator.comparingLong(RetrievalMetric::getEmittedAtMs))
                .map(m -> new NotScored(taskId, epoch, Math.round(m.getValue()), m.getDetail() == null ? "" : m.getDetail()));
    }

    /** The "queries" of a report: n of hit@1, else the largest n (a report read while a query's records arrive). */
    private static long queryCount(Map<String, RetrievalMetric> byMetric) {
        RetrievalMetric hitAt1 = byMetric.get(HIT_AT_1);
        return hitAt1 != null ? hitAt1.getN() : byMetric.values().stream().mapToLong(RetrievalMetric::getN).max().orElse(0);
    }

    private Map<String, RetrievalMetric> taskMetrics(String taskId, int epoch, String path, String modelVersion) {
        Map<String, Map<String, RetrievalMetric>> byModel = metricsByModel(taskId, epoch, path);
        if (modelVersion != null) {
            return byModel.getOrDefault(modelVersion, Map.of());
        }
        Comparator<Map.Entry<String, Map<String, RetrievalMetric>>> lastEmitted = Comparator
                .comparingLong((Map.Entry<String, Map<String, RetrievalMetric>> e) -> e.getValue().values().stream()
                        .mapToLong(RetrievalMetric::getEmittedAtMs).max().orElse(Long.MIN_VALUE))
                .thenComparing(Map.Entry::getKey);
        return byModel.entrySet().stream().max(lastEmitted).map(Map.Entry::getValue).orElse(Map.of());
    }

    /** Task-scope metric records of the task, epoch and path, by model version and metric; no not_scored. */
    private Map<String, Map<String, RetrievalMetric>> metricsByModel(String taskId, int epoch, String path) {
        Map<String, Map<String, RetrievalMetric>> byModel = new HashMap<>();
        for (SeriesKey key : epochSeries(taskId, epoch)) {
            if (SCOPE_TASK.equals(key.scope()) && key.path().equals(path) && !NOT_SCORED.equals(key.metric())) {
                byModel.computeIfAbsent(key.modelVersion(), v -> new HashMap<>()).put(key.metric(), latest.get(key));
            }
        }
        return byModel;
    }

    private Set<SeriesKey> epochSeries(String taskId, int epoch) {
        TreeMap<Integer, Set<SeriesKey>> epochs = seriesByEpoch.get(EpochGroup.task(taskId));
        return epochs == null ? Set.of() : epochs.getOrDefault(epoch, Set.of());
    }
}
