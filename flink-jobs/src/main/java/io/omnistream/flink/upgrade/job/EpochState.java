package io.omnistream.flink.upgrade.job;

import io.omnistream.flink.bias.BiasMetricNames;
import io.omnistream.flink.quality.BenchJudgment;
import io.omnistream.flink.quality.TaskMetric;
import io.omnistream.flink.upgrade.EpochFigures;
import io.omnistream.flink.upgrade.Figure;
import io.omnistream.flink.upgrade.QualityGate;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.util.HashMap;
import java.util.Map;

/**
 * What the gate knows of one replay epoch, for every model version: the judged queries per task (their number is what
 * makes a running mean final), each task's primary metric, the latest value of every series the gate reads, and the
 * tasks with dead-lettered items. A Flink POJO kept in keyed state; plain Java otherwise, tested without Flink.
 *
 * <h2>Series read (everything else on the metrics topic is ignored, see {@link #relevant})</h2>
 * <ul>
 *   <li>scope {@code task}, path {@code exact}, any metric: a task's figures (the primary one is picked once the
 *       task's judgments name it);</li>
 *   <li>scope {@code task}, path {@code served}, {@code recall_loss@10};</li>
 *   <li>scope {@code modality_bias}, task null, {@code target_modality_accuracy}: per modality pair, and the row over
 *       all pairs (both modalities null), whose count says when the bias figures are final;</li>
 *   <li>{@code not_scored} (scope task, any model: the quality job writes model {@code *}).</li>
 * </ul>
 *
 * <h2>Final</h2>
 * A task's exact (or served) figure is final when its {@code n} equals the distinct judged queries of the task in
 * this epoch. The bias figures of a version are final when its all-pairs row counts at least the judged queries of
 * the epoch's tasks that are neither instruction-free twins (the bias job leaves those out) nor {@code not_scored}
 * (at least: a not_scored task may still have some queries ranked). An epoch is judged only once its judgments are
 * complete as they state themselves: every judgment names every task of the epoch ({@code epochTasks}) and its task's
 * number of queries ({@code taskQueries}), so a judgments source lagging behind the metrics source can never make a
 * task, or a whole task of the epoch, look final too early. (Judgments of an older replayer state neither: then the
 * judgments read so far are taken as the epoch's.)
 */
public class EpochState {
    static final String EXACT = "exact";
    static final String SERVED = "served";
    static final String BIAS = "bias";
    /** Subject of the bias row over all modality pairs. */
    static final String ALL_PAIRS = "*";
    private static final String SEP = "\u0000";

    /** {@code task SEP query} of every judged query (distinct: a re-sent judgment counts once). */
    public Map<String, Boolean> judged = new HashMap<>();
    /** Distinct judged queries per task. */
    public Map<String, Integer> queriesPerTask = new HashMap<>();
    /** Each task's primary metric, from its judgments. */
    public Map<String, String> primaryMetric = new HashMap<>();
    /** Latest value per {@code version SEP kind SEP subject SEP metric}. */
    public Map<String, FigureValue> figures = new HashMap<>();
    /** The tasks the epoch's judgments say it has (empty: not stated by the replayer). */
    public Map<String, Boolean> statedTasks = new HashMap<>();
    /** Each task's number of queries as its judgments state it (absent: not stated). */
    public Map<String, Integer> statedQueries = new HashMap<>();
    /** Per task with dead-lettered items: the reason. */
    public Map<String, String> notScored = new HashMap<>();

    public EpochState() {
    }

    /** Whether the gate reads {@code m} at all (the job filters the metrics topic with this). */
    public static boolean relevant(TaskMetric m) {
        return m.epoch != null && kind(m) != null;
    }

    private static String kind(TaskMetric m) {
        if (QualityVocabulary.SCOPE_TASK.equals(m.scope) && m.taskId != null) {
            if (QualityVocabulary.NOT_SCORED.equals(m.metric)) {
                return QualityVocabulary.NOT_SCORED;
            }
            if (QualityVocabulary.PATH_EXACT.equals(m.path)) {
                return EXACT;
            }
            if (QualityVocabulary.PATH_SERVED.equals(m.path) && QualityGate.RECALL_LOSS_AT_10.equals(m.metric)) {
                return SERVED;
            }
            return null;
        }
        if (QualityVocabulary.SCOPE_MODALITY_BIAS.equals(m.scope) && m.taskId == null
                && BiasMetricNames.TARGET_MODALITY_ACCURACY.equals(m.metric)
                && (m.queryModality == null) == (m.targetModality == null)) {
            return BIAS;
        }
        return null;
    }

    static String key(String version, String kind, String subject, String metric) {
        return version + SEP + kind + SEP + subject + SEP + metric;
    }

    /** Takes a judgment of this epoch. */
    public void add(BenchJudgment j) {
        if (judged.putIfAbsent(j.taskId + SEP + j.queryItemId, Boolean.TRUE) == null) {
            queriesPerTask.merge(j.taskId, 1, Integer::sum);
        }
        primaryMetric.put(j.taskId, j.primaryMetric);
        if (j.taskQueries > 0) {
            statedQueries.put(j.taskId, j.taskQueries);
        }
        if (j.epochTasks != null) {
            for (String t : j.epochTasks) {
                statedTasks.put(t, Boolean.TRUE);
            }
        }
    }

    /**
     * Whether every judgment of the epoch has been read, as far as the judgments say: every task they name was
     * judged, and each task holds as many distinct judged queries as they state. (An older replayer states nothing:
     * then the judgments read so far are taken as the epoch's.)
     */
    boolean judgmentsComplete() {
        for (String task : statedTasks.keySet()) {
            if (!queriesPerTask.containsKey(task)) {
                return false;
            }
        }
        for (Map.Entry<String, Integer> e : statedQueries.entrySet()) {
            if (queriesPerTask.getOrDefault(e.getKey(), 0) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Takes a metric record of this epoch (the latest of a series replaces the previous); false if not read. */
    public boolean add(TaskMetric m) {
        String kind = kind(m);
        if (kind == null) {
            return false;
        }
        switch (kind) {
            case QualityVocabulary.NOT_SCORED -> notScored.put(m.taskId, m.detail != null ? m.detail
                    : (long) m.value + " item(s) dead-lettered");
            case BIAS -> figures.put(key(m.modelVersion, BIAS,
                    m.queryModality == null ? ALL_PAIRS : m.queryModality + "->" + m.targetModality, m.metric),
                    new FigureValue(m.value, m.n));
            default -> figures.put(key(m.modelVersion, kind, m.taskId, m.metric), new FigureValue(m.value, m.n));
        }
        return true;
    }

    /**
     * The figures of {@code live} and {@code shadow} in this epoch if they are complete, else null. Complete: at least
     * one task is judged, and every judged task is either {@code not_scored} or has final exact-path primary figures
     * for both versions; with {@code waitForServed} also a final served {@code recall_loss@10} of the shadow; with
     * {@code waitForBias} also final bias figures of both versions (see the class comment).
     *
     * <p>Served path: the shadow's recall-loss map is null (served path off) when the gate does not wait for served
     * figures and the shadow has none in this epoch; otherwise it holds what there is (running values when not
     * waiting, their count in the check's detail). Bias figures are those present (final when waiting).
     */
    public EpochFigures figures(int epoch, String live, String shadow, boolean waitForServed, boolean waitForBias,
            String twinSuffix) {
        if (queriesPerTask.isEmpty() || !judgmentsComplete()) {
            return null;
        }
        Map<String, Figure> livePrimary = new HashMap<>();
        Map<String, Figure> shadowPrimary = new HashMap<>();
        Map<String, Figure> liveLoss = new HashMap<>();
        Map<String, Figure> shadowLoss = new HashMap<>();
        long biasQueries = 0;
        for (Map.Entry<String, Integer> e : queriesPerTask.entrySet()) {
            String task = e.getKey();
            long need = e.getValue();
            String metric = primaryMetric.get(task);
            Figure l = figure(live, EXACT, task, metric, need);
            Figure s = figure(shadow, EXACT, task, metric, need);
            if (notScored.containsKey(task)) {
                // resolved without waiting: the gate fails it (rule scored) if live scored it
                putIfFinal(livePrimary, task, l);
                putIfFinal(shadowPrimary, task, s);
                continue;
            }
            if (l == null || !l.isFinal() || s == null || !s.isFinal()) {
                return null;
            }
            livePrimary.put(task, l);
            shadowPrimary.put(task, s);
            Figure sl = figure(shadow, SERVED, task, QualityGate.RECALL_LOSS_AT_10, need);
            if (waitForServed && (sl == null || !sl.isFinal())) {
                return null;
            }
            if (sl != null) {
                shadowLoss.put(task, sl);
            }
            Figure ll = figure(live, SERVED, task, QualityGate.RECALL_LOSS_AT_10, need);
            if (ll != null) {
                liveLoss.put(task, ll);
            }
            if (twinSuffix.isEmpty() || !task.endsWith(twinSuffix)) {
                biasQueries += need;
            }
        }
        if (waitForBias && (!biasFinal(live, biasQueries) || !biasFinal(shadow, biasQueries))) {
            return null;
        }
        return new EpochFigures(epoch, livePrimary, shadowPrimary, new HashMap<>(notScored), liveLoss,
                waitForServed || !shadowLoss.isEmpty() ? shadowLoss : null, pairs(live), pairs(shadow));
    }

    private boolean biasFinal(String version, long queries) {
        FigureValue all = figures.get(key(version, BIAS, ALL_PAIRS, BiasMetricNames.TARGET_MODALITY_ACCURACY));
        return all != null && all.n >= queries;
    }

    private Map<String, Figure> pairs(String version) {
        Map<String, Figure> out = new HashMap<>();
        String prefix = version + SEP + BIAS + SEP;
        for (Map.Entry<String, FigureValue> e : figures.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                String[] parts = e.getKey().split(SEP, -1);
                if (!parts[2].equals(ALL_PAIRS)) {
                    out.put(parts[2], new Figure(parts[3], e.getValue().value, e.getValue().n, 0));
                }
            }
        }
        return out;
    }

    private Figure figure(String version, String kind, String subject, String metric, long need) {
        FigureValue v = metric == null ? null : figures.get(key(version, kind, subject, metric));
        return v == null ? null : new Figure(metric, v.value, v.n, need);
    }

    private static void putIfFinal(Map<String, Figure> map, String task, Figure f) {
        if (f != null && f.isFinal()) {
            map.put(task, f);
        }
    }
}
