package io.omnistream.flink.drift.job;

import io.omnistream.flink.bias.job.BiasInput;
import io.omnistream.flink.drift.KolmogorovSmirnov;
import io.omnistream.flink.drift.KsResult;
import io.omnistream.flink.drift.ScoreHistogram;
import io.omnistream.flink.quality.TaskMetric;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Two-sample Kolmogorov-Smirnov drift test of the top-1 cosine scores of a task's exact-path rankings, per (model id,
 * task) — across model versions, like {@link SeriesDriftFunction}. The reference is the first epoch closed with at
 * least {@code minSamples} scores; every later epoch is tested against it when it closes (when a ranking of a later
 * epoch arrives). A test with {@code pValue < alpha} and {@code D >= minStatistic}, both epochs having at least
 * {@code minSamples} scores, is an alarm (metric {@value #METRIC}, detector "ks", statistic D, threshold the critical
 * D at {@code alpha}, direction from the one-sided statistics); alerts are deduplicated and cleared as in
 * {@link AlertTrack}. Memory: two {@link ScoreHistogram}s (16 KB each) per (model, task).
 */
public class ScoreDriftFunction extends KeyedProcessFunction<String, BiasInput, DriftAlertEvent> {
    private static final long serialVersionUID = 1L;
    public static final String METRIC = "top1_score_distribution";

    private final double alpha;
    private final double minStatistic;
    private final long minSamples;
    private final int clearAfter;
    /** Side output: one {@link QualityVocabulary#SCOPE_DRIFT_CHECK} record per epoch tested (or taken as reference). */
    public static final OutputTag<TaskMetric> CHECKS = new OutputTag<>("drift-score-checks", Types.POJO(TaskMetric.class));

    private transient ValueState<ScoreState> state;

    public ScoreDriftFunction(double alpha, double minStatistic, long minSamples, int clearAfter) {
        this.alpha = alpha;
        this.minStatistic = minStatistic;
        this.minSamples = minSamples;
        this.clearAfter = clearAfter;
    }

    /** Reference and open epoch of one (model, task) (a Flink POJO). */
    public static class ScoreState {
        public ScoreHistogram reference;
        public Integer referenceEpoch;
        public long referenceStartMs;
        public long referenceEndMs;
        public ScoreHistogram open;
        public Integer openEpoch;
        public long openStartMs;
        public long openEndMs;
        public String openVersion;
        public AlertTrack track = new AlertTrack();

        public ScoreState() {
        }
    }

    public static String key(BiasInput r) {
        return r.modelId + "\u0000" + r.taskId;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("score-drift", Types.POJO(ScoreState.class)));
    }

    @Override
    public void processElement(BiasInput r, Context ctx, Collector<DriftAlertEvent> out) throws Exception {
        if (r.topScores == null || r.topScores.length == 0) {
            return;
        }
        ScoreState s = state.value();
        if (s == null) {
            s = new ScoreState();
        }
        if (s.openEpoch != null && r.epoch < s.openEpoch) {
            return;
        }
        if (s.openEpoch != null && r.epoch > s.openEpoch) {
            long now = ctx.timerService().currentProcessingTime();
            DriftAlertEvent e = close(s, r, now, check -> ctx.output(CHECKS, check));
            if (e != null) {
                out.collect(e);
            }
        }
        if (s.openEpoch == null || r.epoch > s.openEpoch) {
            s.open = new ScoreHistogram();
            s.openEpoch = r.epoch;
            s.openStartMs = r.eventTimeMs;
            s.openEndMs = r.eventTimeMs;
        }
        s.open.add(r.topScores[0]);
        s.openStartMs = Math.min(s.openStartMs, r.eventTimeMs);
        s.openEndMs = Math.max(s.openEndMs, r.eventTimeMs);
        s.openVersion = r.modelVersion;
        state.update(s);
    }

    private DriftAlertEvent close(ScoreState s, BiasInput labels, long now, Consumer<TaskMetric> checks) {
        if (s.open.total < minSamples) {
            return null;
        }
        if (s.reference == null) {
            s.reference = s.open;
            s.referenceEpoch = s.openEpoch;
            s.referenceStartMs = s.openStartMs;
            s.referenceEndMs = s.openEndMs;
            checks.accept(check(s, labels, 0.0, now));
            return null;
        }
        KsResult ks = KolmogorovSmirnov.twoSample(s.reference, s.open);
        checks.accept(check(s, labels, ks.statistic(), now));
        boolean alarm = ks.isDrift(alpha, minStatistic) && ks.direction() != null;
        DriftAlertEvent candidate = new DriftAlertEvent();
        candidate.metric = METRIC;
        candidate.modelVersion = s.openVersion;
        candidate.detector = "ks";
        candidate.statistic = ks.statistic();
        candidate.threshold = Math.max(minStatistic, criticalD(alpha, ks.effectiveSize()));
        candidate.direction = alarm ? ks.direction().wireName() : null;
        candidate.labels.put("scope", "task");
        candidate.labels.put("model_id", labels.modelId);
        candidate.labels.put("task", labels.taskId);
        candidate.labels.put("path", QualityVocabulary.PATH_EXACT);
        candidate.labels.put("epoch", Integer.toString(s.openEpoch));
        candidate.labels.put("reference_epoch", Integer.toString(s.referenceEpoch));
        candidate.labels.put("p_value", Double.toString(ks.pValue()));
        candidate.windowStartMs = s.openStartMs;
        candidate.windowEndMs = s.openEndMs;
        candidate.referenceStartMs = s.referenceStartMs;
        candidate.referenceEndMs = s.referenceEndMs;
        return s.track.observe(alarm, candidate, METRIC + "|" + labels.modelId + "|" + labels.taskId, s.openEpoch,
                clearAfter, now);
    }

    /** The {@link QualityVocabulary#SCOPE_DRIFT_CHECK} record of the open epoch, tested with statistic D. */
    private static TaskMetric check(ScoreState s, BiasInput labels, double statistic, long now) {
        TaskMetric c = new TaskMetric();
        c.metric = METRIC;
        c.scope = QualityVocabulary.SCOPE_DRIFT_CHECK;
        c.detail = QualityVocabulary.SCOPE_TASK;
        c.taskId = labels.taskId;
        c.path = QualityVocabulary.PATH_EXACT;
        c.modelId = labels.modelId;
        c.modelVersion = s.openVersion;
        c.epoch = s.openEpoch;
        c.value = statistic;
        c.n = s.open.total;
        c.windowStartMs = s.openStartMs;
        c.windowEndMs = s.openEndMs;
        c.emittedAtMs = now;
        return c;
    }

    /** The smallest D with {@code Q_KS(lambda(D)) < alpha} for effective size {@code ne}, by bisection (1e-6). */
    static double criticalD(double alpha, double ne) {
        double lo = 0.0;
        double hi = 1.0;
        double f = Math.sqrt(ne) + 0.12 + 0.11 / Math.sqrt(ne);
        for (int i = 0; i < 40; i++) {
            double mid = (lo + hi) / 2;
            if (KolmogorovSmirnov.kolmogorovQ(f * mid) < alpha) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }
}
