package io.omnistream.flink.drift.job;

import io.omnistream.flink.drift.Detection;
import io.omnistream.flink.drift.PageHinkley;
import io.omnistream.flink.quality.TaskMetric;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Page-Hinkley drift detection on the metric series of {@code quality.metrics.v1}. A series is (metric, scope, task,
 * path, query modality, target modality, model id): <em>not</em> the model version, so a new version of a model
 * continues its series and a degradation across versions is detected. One sample per epoch (scopes with an epoch) or
 * per window (modality_gap): the records of an epoch are running values, so an epoch's last value is fed to the
 * detector once a later epoch has begun and the epoch has had no record for {@code closeIdleMs} (processing time);
 * records of an already closed epoch are ignored.
 *
 * <p>An alarm raises a {@link DriftAlertEvent} via {@link AlertTrack} (deduplicated; CLEARED after {@code clearAfter}
 * quiet epochs). The alert's window is the alarming epoch's time range, its reference the first closed epoch of the
 * series, its statistic and threshold Page-Hinkley's {@code max(up, down)} and lambda.
 */
public class SeriesDriftFunction extends KeyedProcessFunction<String, TaskMetric, DriftAlertEvent> {
    private static final long serialVersionUID = 1L;

    /** The scopes whose series are watched. */
    public static final Set<String> SCOPES = Set.of(QualityVocabulary.SCOPE_TASK, QualityVocabulary.SCOPE_MODALITY_PAIR,
            QualityVocabulary.SCOPE_MODALITY_BIAS, QualityVocabulary.SCOPE_MODALITY_GAP);

    private final double delta;
    private final double lambda;
    private final long minSamples;
    private final int clearAfter;
    private final long closeIdleMs;
    /** Side output: one {@link QualityVocabulary#SCOPE_DRIFT_CHECK} record per closed epoch (or window) of a series. */
    public static final OutputTag<TaskMetric> CHECKS = new OutputTag<>("drift-series-checks", Types.POJO(TaskMetric.class));

    private transient ValueState<SeriesState> state;

    /**
     * @param closeIdleMs how long (processing time) an epoch must have had no record, once a later epoch has begun,
     *                    before its last value is final and fed to the detector: epochs can overlap (a later epoch's
     *                    first rankings before an earlier one's last), and a partial value would look like a change.
     *                    0 closes an epoch as soon as a record of a later epoch arrives.
     */
    public SeriesDriftFunction(double delta, double lambda, long minSamples, int clearAfter, long closeIdleMs) {
        this.delta = delta;
        this.lambda = lambda;
        this.minSamples = minSamples;
        this.clearAfter = clearAfter;
        this.closeIdleMs = closeIdleMs;
    }

    /** The running value of one epoch (or window) that is not closed yet (a Flink POJO). */
    public static class OpenSample {
        public double value;
        public long startMs;
        public long endMs;
        public String version;
        /** Processing time of its last record. */
        public long updatedAtMs;

        public OpenSample() {
        }
    }

    /** The state of one series (a Flink POJO). */
    public static class SeriesState {
        public PageHinkley detector;
        public AlertTrack track = new AlertTrack();
        /** Epochs (or window starts) seen but not closed, by index. */
        public Map<Long, OpenSample> open = new HashMap<>();
        /** The newest closed index; records at or before it are ignored. Null before the first close. */
        public Long lastClosed;
        public Long referenceStartMs;
        public Long referenceEndMs;
        /** Labels of the series (from its first record), for the alerts. */
        public TaskMetric labels;

        public SeriesState() {
        }
    }

    public static boolean watched(TaskMetric m) {
        return m != null && SCOPES.contains(m.scope) && Double.isFinite(m.value);
    }

    public static String key(TaskMetric m) {
        return String.join("|", m.metric, m.scope, String.valueOf(m.taskId), String.valueOf(m.path),
                String.valueOf(m.queryModality), String.valueOf(m.targetModality), m.modelId);
    }

    static long index(TaskMetric m) {
        return m.epoch != null ? m.epoch : m.windowStartMs;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("drift-series",
                Types.POJO(SeriesState.class)));
    }

    @Override
    public void processElement(TaskMetric m, Context ctx, Collector<DriftAlertEvent> out) throws Exception {
        SeriesState s = state.value();
        if (s == null) {
            s = new SeriesState();
            s.detector = new PageHinkley(delta, lambda, minSamples);
            s.labels = m.copy();
        }
        long index = index(m);
        if (s.lastClosed != null && index <= s.lastClosed) {
            return; // a closed epoch
        }
        long now = ctx.timerService().currentProcessingTime();
        OpenSample o = s.open.get(index);
        if (o == null) {
            o = new OpenSample();
            o.startMs = m.windowStartMs;
            o.endMs = m.windowEndMs;
            s.open.put(index, o);
        }
        o.value = m.value;
        o.startMs = Math.min(o.startMs, m.windowStartMs);
        o.endMs = Math.max(o.endMs, m.windowEndMs);
        o.version = m.modelVersion;
        o.updatedAtMs = now;
        closeQuiet(s, now, out, check -> ctx.output(CHECKS, check));
        if (s.open.size() > 1 && closeIdleMs > 0) {
            ctx.timerService().registerProcessingTimeTimer(now + closeIdleMs);
        }
        state.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DriftAlertEvent> out) throws Exception {
        SeriesState s = state.value();
        if (s != null) {
            closeQuiet(s, ctx.timerService().currentProcessingTime(), out, check -> ctx.output(CHECKS, check));
            state.update(s);
        }
    }

    /** Closes, oldest first, every open epoch older than the newest one that has been quiet for closeIdleMs. */
    private void closeQuiet(SeriesState s, long now, Collector<DriftAlertEvent> out, Consumer<TaskMetric> checks) {
        while (s.open.size() > 1) {
            long oldest = s.open.keySet().stream().min(Long::compare).orElseThrow();
            OpenSample o = s.open.get(oldest);
            if (now - o.updatedAtMs < closeIdleMs) {
                return;
            }
            s.open.remove(oldest);
            s.lastClosed = oldest;
            DriftAlertEvent e = close(s, oldest, o, now, checks);
            if (e != null) {
                out.collect(e);
            }
        }
    }

    /** Feeds the open epoch's final value to the detector, reports the check; the alert record to emit, if any. */
    private DriftAlertEvent close(SeriesState s, long index, OpenSample o, long now, Consumer<TaskMetric> checks) {
        TaskMetric labels = s.labels;
        if (s.referenceStartMs == null) {
            s.referenceStartMs = o.startMs;
            s.referenceEndMs = o.endMs;
        }
        Detection d = s.detector.update(o.value);
        checks.accept(check(labels, o, index, d.statistic(), now));
        DriftAlertEvent candidate = new DriftAlertEvent();
        candidate.metric = labels.metric;
        candidate.modelVersion = o.version;
        candidate.detector = s.detector.detectorName();
        candidate.statistic = d.statistic();
        candidate.threshold = d.threshold();
        candidate.direction = d.isAlarm() ? d.direction().wireName() : null;
        candidate.labels.put("scope", labels.scope);
        candidate.labels.put("model_id", labels.modelId);
        putIfSet(candidate, "task", labels.taskId);
        putIfSet(candidate, "path", labels.path);
        putIfSet(candidate, "query_modality", labels.queryModality);
        putIfSet(candidate, "target_modality", labels.targetModality);
        candidate.labels.put("epoch", Long.toString(index));
        candidate.windowStartMs = o.startMs;
        candidate.windowEndMs = o.endMs;
        candidate.referenceStartMs = s.referenceStartMs;
        candidate.referenceEndMs = s.referenceEndMs;
        return s.track.observe(d.isAlarm(), candidate, key(labels), index, clearAfter, now);
    }

    /** The {@link QualityVocabulary#SCOPE_DRIFT_CHECK} record of a closed epoch (or window) of a series. */
    static TaskMetric check(TaskMetric series, OpenSample o, long index, double statistic, long now) {
        TaskMetric c = series.copy();
        c.detail = series.scope;
        c.scope = QualityVocabulary.SCOPE_DRIFT_CHECK;
        c.value = statistic;
        c.modelVersion = o.version;
        c.epoch = series.epoch != null ? Math.toIntExact(index) : null;
        c.windowStartMs = o.startMs;
        c.windowEndMs = o.endMs;
        c.emittedAtMs = now;
        return c;
    }

    static void putIfSet(DriftAlertEvent e, String label, String value) {
        if (value != null) {
            e.labels.put(label, value);
        }
    }
}
