package io.omnistream.flink.quality;

import io.omnistream.flink.quality.metrics.MetricName;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Aggregates over tasks, as MMEB reports them: per meta-task, per query→target modality pair and per model version,
 * each the <b>unweighted mean of the task scores</b> (every task counts once, whatever its number of queries), n =
 * the queries summed over those tasks.
 *
 * <p>Keyed by (model, model version, epoch, path). Input: the task-scope records of the 11 retrieval metrics; the
 * latest value of each task is kept. After each input it emits the three aggregates the task belongs to, for that
 * metric only, over the tasks that have a value for it so far (running, like the task means; the last record per
 * series is final once every task of the epoch is scored).
 */
public class CrossTaskAggregateFunction extends KeyedProcessFunction<String, TaskMetric, TaskMetric> {
    private static final long serialVersionUID = 1L;

    private transient MapState<String, TaskScores> tasks;

    /** The latest metric values of one task (a Flink POJO). */
    public static class TaskScores {
        public String metaTask;
        public String queryModality;
        public String targetModality;
        /** Indexed by {@link MetricName#ordinal()}; NaN until the metric was seen. */
        public double[] values;
        public long n;
        public long firstEventMs = Long.MAX_VALUE;
        public long lastEventMs = Long.MIN_VALUE;

        public TaskScores() {
            values = new double[MetricName.values().length];
            Arrays.fill(values, Double.NaN);
        }
    }

    public static String key(TaskMetric m) {
        return String.join("\u0000", m.modelId, m.modelVersion, String.valueOf(m.epoch), m.path);
    }

    /** Whether a record is an input of this function: a task-scope value of one of the 11 retrieval metrics. */
    public static boolean isInput(TaskMetric m) {
        return QualityVocabulary.SCOPE_TASK.equals(m.scope) && MetricName.isKey(m.metric);
    }

    @Override
    public void open(OpenContext openContext) {
        tasks = getRuntimeContext().getMapState(new MapStateDescriptor<>("task-scores", Types.STRING,
                Types.POJO(TaskScores.class)));
    }

    @Override
    public void processElement(TaskMetric m, Context ctx, Collector<TaskMetric> out) throws Exception {
        int metric = MetricName.fromKey(m.metric).ordinal();
        TaskScores t = tasks.get(m.taskId);
        if (t == null) {
            t = new TaskScores();
            t.metaTask = m.metaTask;
            t.queryModality = m.queryModality;
            t.targetModality = m.targetModality;
        }
        t.values[metric] = m.value;
        t.n = Math.max(t.n, m.n);
        t.firstEventMs = Math.min(t.firstEventMs, m.windowStartMs);
        t.lastEventMs = Math.max(t.lastEventMs, m.windowEndMs);
        tasks.put(m.taskId, t);
        TaskScores self = t;

        long now = ctx.timerService().currentProcessingTime();
        TaskMetric metaTask = mean(m, metric, s -> Objects.equals(s.metaTask, self.metaTask), now);
        metaTask.scope = QualityVocabulary.SCOPE_META_TASK;
        metaTask.metaTask = t.metaTask;
        out.collect(metaTask);

        TaskMetric pair = mean(m, metric, s -> Objects.equals(s.queryModality, self.queryModality)
                && Objects.equals(s.targetModality, self.targetModality), now);
        pair.scope = QualityVocabulary.SCOPE_MODALITY_PAIR;
        pair.queryModality = t.queryModality;
        pair.targetModality = t.targetModality;
        out.collect(pair);

        TaskMetric model = mean(m, metric, s -> true, now);
        model.scope = QualityVocabulary.SCOPE_MODEL;
        out.collect(model);
    }

    /** Unweighted mean over the matching tasks that have the metric; labels other than model/path/epoch cleared. */
    private TaskMetric mean(TaskMetric input, int metric, Predicate<TaskScores> member, long now) throws Exception {
        double sum = 0;
        int count = 0;
        long n = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (TaskScores s : tasks.values()) {
            if (member.test(s) && !Double.isNaN(s.values[metric])) {
                sum += s.values[metric];
                count++;
                n += s.n;
                first = Math.min(first, s.firstEventMs);
                last = Math.max(last, s.lastEventMs);
            }
        }
        TaskMetric m = new TaskMetric();
        m.metric = input.metric;
        m.value = sum / count; // count >= 1: the input's own task matches
        m.n = n;
        m.modelId = input.modelId;
        m.modelVersion = input.modelVersion;
        m.path = input.path;
        m.epoch = input.epoch;
        m.windowStartMs = first;
        m.windowEndMs = last;
        m.emittedAtMs = now;
        return m;
    }
}
