package io.omnistream.flink.drift.job;

import io.omnistream.flink.drift.Detection;
import io.omnistream.flink.drift.PageHinkley;
import io.omnistream.flink.quality.TaskMetric;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Page-Hinkley drift detection on the metric series of {@code quality.metrics.v1}. A series is (metric, scope, task,
 * path, query modality, target modality, model id): <em>not</em> the model version, so a new version of a model
 * continues its series and a degradation across versions is detected. One sample per epoch (scopes with an epoch) or
 * per window (modality_gap): the records of an epoch are running values, so the last one seen is fed to the detector
 * when the first record of a later epoch arrives; records of an already closed epoch are ignored (the metrics topic
 * is keyed per epoch, so a record can overtake an earlier epoch's last one across partitions; then the detector sees
 * the epoch's last value that arrived in time).
 *
 * <p>An alarm raises a {@link DriftAlertEvent} via {@link AlertTrack} (deduplicated; CLEARED after {@code clearAfter}
 * quiet epochs). The alert's window is the alarming epoch's time range, its reference the first closed epoch of the
 * series, its statistic and threshold Page-Hinkley's {@code max(up, down)} and lambda.
 */
public class SeriesDriftFunction extends KeyedProcessFunction<String, TaskMetric, DriftAlertEvent> {
    private static final long serialVersionUID = 1L;

    /** The scopes whose series are watched. */
    public static final Set<String> SCOPES = Set.of(TaskMetric.SCOPE_TASK, TaskMetric.SCOPE_MODALITY_PAIR,
            "modality_bias", "modality_gap");

    private final double delta;
    private final double lambda;
    private final long minSamples;
    private final int clearAfter;
    private transient ValueState<SeriesState> state;

    public SeriesDriftFunction(double delta, double lambda, long minSamples, int clearAfter) {
        this.delta = delta;
        this.lambda = lambda;
        this.minSamples = minSamples;
        this.clearAfter = clearAfter;
    }

    /** The state of one series (a Flink POJO). */
    public static class SeriesState {
        public PageHinkley detector;
        public AlertTrack track = new AlertTrack();
        /** Epoch (or window start) of the open sample; null before the first record. */
        public Long openIndex;
        public double openValue;
        public long openStartMs;
        public long openEndMs;
        public String openVersion;
        public Long referenceStartMs;
        public Long referenceEndMs;

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
        }
        long index = index(m);
        if (s.openIndex != null && index < s.openIndex) {
            return; // a closed epoch
        }
        if (s.openIndex != null && index > s.openIndex) {
            DriftAlertEvent e = close(s, m, ctx.timerService().currentProcessingTime());
            if (e != null) {
                out.collect(e);
            }
        }
        if (s.openIndex == null || index > s.openIndex) {
            s.openIndex = index;
            s.openStartMs = m.windowStartMs;
            s.openEndMs = m.windowEndMs;
        }
        s.openValue = m.value;
        s.openStartMs = Math.min(s.openStartMs, m.windowStartMs);
        s.openEndMs = Math.max(s.openEndMs, m.windowEndMs);
        s.openVersion = m.modelVersion;
        state.update(s);
    }

    /** Feeds the open epoch's final value to the detector; the alert record to emit, if any. */
    private DriftAlertEvent close(SeriesState s, TaskMetric labels, long now) {
        if (s.referenceStartMs == null) {
            s.referenceStartMs = s.openStartMs;
            s.referenceEndMs = s.openEndMs;
        }
        Detection d = s.detector.update(s.openValue);
        DriftAlertEvent candidate = new DriftAlertEvent();
        candidate.metric = labels.metric;
        candidate.modelVersion = s.openVersion;
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
        candidate.labels.put("epoch", Long.toString(s.openIndex));
        candidate.windowStartMs = s.openStartMs;
        candidate.windowEndMs = s.openEndMs;
        candidate.referenceStartMs = s.referenceStartMs;
        candidate.referenceEndMs = s.referenceEndMs;
        return s.track.observe(d.isAlarm(), candidate, key(labels), s.openIndex, clearAfter, now);
    }

    static void putIfSet(DriftAlertEvent e, String label, String value) {
        if (value != null) {
            e.labels.put(label, value);
        }
    }
}
