package io.omnistream.flink.quality;

import io.omnistream.flink.quality.metrics.MetricName;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per-task running means of both paths, and the served path's recall loss against the exact path.
 *
 * <p>Keyed by {@link #key(QueryScore) (model, model version, task, epoch)}. After every new query score it emits the
 * 11 task metrics of that path (scope "task", n = queries of the path scored so far, window = first/last query event
 * time). The last record per (model version, path, task, epoch, metric) is the task score.
 *
 * <p><b>Recall loss.</b> When a query has been scored on both paths, the differences exact − served of recall@1/5/10
 * are added to a running mean and published on path "served" as {@code recall_loss@1/5/10} — the quality the ANN index
 * costs on this task — together with {@code ann_overlap@10}: the share of the exact top 10 (or of the whole ranking if
 * shorter) that the served top 10 contains, the classic ANN recall. Their n counts queries scored both ways.
 *
 * <p><b>State.</b> Per key: the sums per path, the set of aggregated (path, query) and the not-yet-paired half of
 * each query; all expire {@code stateTtl} after their last write when a TTL is set (a served score that never comes
 * leaves its exact half until then).
 *
 * <p><b>Idempotence.</b> A (path, query) already aggregated is ignored, so a re-emitted score (e.g. after a restart
 * of the upstream operator) is never counted twice.
 */
public class TaskAggregateFunction extends KeyedProcessFunction<String, QueryScore, TaskMetric> {
    private static final long serialVersionUID = 1L;

    /** The served-only metrics, in the order of the loss sums. */
    private static final MetricName[] RECALLS = {MetricName.RECALL_AT_1, MetricName.RECALL_AT_5, MetricName.RECALL_AT_10};
    private static final int OVERLAP_K = 10;

    private transient MapState<String, MetricSums> sumsByPath;
    private transient MapState<String, Boolean> aggregated;
    private transient MapState<String, QueryScore> firstHalf;
    private transient ValueState<MetricSums> loss;
    private final Duration stateTtl;

    /** No state TTL. */
    public TaskAggregateFunction() {
        this(Duration.ZERO);
    }

    /** @param stateTtl how long state entries live after their last write; zero = forever */
    public TaskAggregateFunction(Duration stateTtl) {
        this.stateTtl = stateTtl;
    }

    public static String key(QueryScore s) {
        return String.join("\u0000", s.modelId, s.modelVersion, s.taskId, Integer.toString(s.epoch));
    }

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<String, MetricSums> sums = new MapStateDescriptor<>("sums-by-path", Types.STRING,
                Types.POJO(MetricSums.class));
        MapStateDescriptor<String, Boolean> seen = new MapStateDescriptor<>("aggregated-queries", Types.STRING,
                Types.BOOLEAN);
        MapStateDescriptor<String, QueryScore> halves = new MapStateDescriptor<>("unpaired-scores", Types.STRING,
                Types.POJO(QueryScore.class));
        ValueStateDescriptor<MetricSums> lossSums = new ValueStateDescriptor<>("recall-loss",
                Types.POJO(MetricSums.class));
        if (!stateTtl.isZero()) {
            StateTtlConfig ttl = RetrievalQualityFunction.ttlConfig(stateTtl);
            sums.enableTimeToLive(ttl);
            seen.enableTimeToLive(ttl);
            halves.enableTimeToLive(ttl);
            lossSums.enableTimeToLive(ttl);
        }
        sumsByPath = getRuntimeContext().getMapState(sums);
        aggregated = getRuntimeContext().getMapState(seen);
        firstHalf = getRuntimeContext().getMapState(halves);
        loss = getRuntimeContext().getState(lossSums);
    }

    @Override
    public void processElement(QueryScore s, Context ctx, Collector<TaskMetric> out) throws Exception {
        String seenKey = s.path + "\u0000" + s.queryItemId;
        if (aggregated.contains(seenKey)) {
            return;
        }
        aggregated.put(seenKey, Boolean.TRUE);
        MetricSums sums = sumsByPath.get(s.path);
        if (sums == null) {
            sums = new MetricSums();
        }
        sums.add(s.values, s.eventTimeMs);
        sumsByPath.put(s.path, sums);
        long now = ctx.timerService().currentProcessingTime();
        TaskMetric base = base(s, s.path, sums, now);
        for (MetricName name : MetricName.values()) {
            out.collect(base.withMetric(name.key(), sums.mean(name.ordinal())));
        }

        QueryScore other = firstHalf.get(s.queryItemId);
        if (other == null || other.path.equals(s.path)) {
            firstHalf.put(s.queryItemId, slim(s));
            return;
        }
        firstHalf.remove(s.queryItemId);
        QueryScore exact = s.path.equals(QualityVocabulary.PATH_EXACT) ? s : other;
        QueryScore served = s.path.equals(QualityVocabulary.PATH_EXACT) ? other : s;
        MetricSums lossSums = loss.value();
        if (lossSums == null) {
            lossSums = new MetricSums(QualityVocabulary.SERVED_ONLY_METRICS.size());
        }
        double[] values = new double[QualityVocabulary.SERVED_ONLY_METRICS.size()];
        for (int i = 0; i < RECALLS.length; i++) {
            values[i] = exact.value(RECALLS[i]) - served.value(RECALLS[i]);
        }
        values[RECALLS.length] = overlap(exact.topIds, served.topIds, OVERLAP_K);
        lossSums.add(values, s.eventTimeMs);
        loss.update(lossSums);
        TaskMetric lossBase = base(s, QualityVocabulary.PATH_SERVED, lossSums, now);
        for (int i = 0; i < QualityVocabulary.SERVED_ONLY_METRICS.size(); i++) {
            out.collect(lossBase.withMetric(QualityVocabulary.SERVED_ONLY_METRICS.get(i), lossSums.mean(i)));
        }
    }

    /** Share of the first min(k, |exact|) exact ids found among the first k served ids; 1.0 for an empty ranking. */
    static double overlap(String[] exactTop, String[] servedTop, int k) {
        int depth = Math.min(k, exactTop.length);
        if (depth == 0) {
            return 1.0;
        }
        Set<String> served = new HashSet<>(Arrays.asList(servedTop).subList(0, Math.min(k, servedTop.length)));
        int found = 0;
        for (int i = 0; i < depth; i++) {
            if (served.contains(exactTop[i])) {
                found++;
            }
        }
        return (double) found / depth;
    }

    /** What the pairing needs of a score: its path, recall values and top ids (no vector, judgment or scores). */
    private static QueryScore slim(QueryScore s) {
        QueryScore out = new QueryScore();
        out.path = s.path;
        out.queryItemId = s.queryItemId;
        out.values = s.values;
        out.topIds = Arrays.copyOf(s.topIds, Math.min(OVERLAP_K, s.topIds.length));
        return out;
    }

    private static TaskMetric base(QueryScore s, String path, MetricSums sums, long now) {
        TaskMetric m = new TaskMetric();
        m.n = sums.n;
        m.scope = QualityVocabulary.SCOPE_TASK;
        m.taskId = s.taskId;
        m.metaTask = s.metaTask;
        m.queryModality = s.queryModality;
        m.targetModality = s.targetModality;
        m.modelId = s.modelId;
        m.modelVersion = s.modelVersion;
        m.path = path;
        m.epoch = s.epoch;
        m.windowStartMs = sums.firstEventMs;
        m.windowEndMs = sums.lastEventMs;
        m.emittedAtMs = now;
        return m;
    }
}
