package io.omnistream.flink.bias.job;

import io.omnistream.flink.bias.BiasMetricRow;
import io.omnistream.flink.bias.ModalityBiasAccumulator;
import io.omnistream.flink.bias.ModalityCentroids;
import io.omnistream.flink.quality.TaskMetric;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The modality-bias metrics per model version (the key) and replay epoch: one {@link ModalityBiasAccumulator} over all
 * tasks of the epoch (rows with task null: target-modality accuracy, top-k matrices, query-modality bias, hit@1 per
 * pair and the cross-modal asymmetry from tasks in both directions, e.g. scifact-t2d vs scifact-d2t) and one per task
 * (rows with the task id). The instruction-free twin of a task (id + {@code twinSuffix}) feeds the same accumulators
 * as ablation copies (instruction not applied) under the same query ids, which yields
 * {@code instruction_effect_accuracy} and, with the epoch's benchmark candidate centroids, {@code
 * instruction_shift_cosine}. The all-tasks rows also carry the modality-gap metrics of the epoch's benchmark candidate
 * vectors (centroid distances, within/cross-modality cosine; the all-traffic gap per window is
 * {@link ModalityGapWindows}').
 *
 * <p><b>Output</b>: {@code RetrievalMetric} records of scope {@value QualityVocabulary#SCOPE_MODALITY_BIAS}, path exact, epoch set, window = the
 * event-time range of the epoch's rankings; running values: all rows of an accumulator that changed are emitted again
 * at most every {@code emitInterval} (processing time), the last record per series is the value. Only the newest
 * {@code retainedEpochs} epochs of a model version are kept (older ones are final and dropped).
 */
public class BiasAccumulateFunction extends KeyedProcessFunction<String, BiasObservation, TaskMetric> {
    private static final long serialVersionUID = 1L;

    private final String twinSuffix;
    private final int maxPendingPairs;
    private final long emitIntervalMs;
    private final int retainedEpochs;

    private transient MapState<String, ModalityBiasAccumulator> accumulators;
    private transient MapState<String, BiasSeriesInfo> infos;
    private transient MapState<Integer, ModalityCentroids> centroids;
    private transient ValueState<Long> timer;
    private transient ValueState<Integer> newestEpoch;
    private transient Counter rejected;
    private transient Counter tooLate;

    public BiasAccumulateFunction(String twinSuffix, int maxPendingPairs, long emitIntervalMs, int retainedEpochs) {
        this.twinSuffix = twinSuffix;
        this.maxPendingPairs = maxPendingPairs;
        this.emitIntervalMs = emitIntervalMs;
        this.retainedEpochs = retainedEpochs;
    }

    @Override
    public void open(OpenContext openContext) {
        accumulators = getRuntimeContext().getMapState(new MapStateDescriptor<>("bias-accumulators", Types.STRING,
                Types.POJO(ModalityBiasAccumulator.class)));
        infos = getRuntimeContext().getMapState(new MapStateDescriptor<>("bias-series", Types.STRING,
                Types.POJO(BiasSeriesInfo.class)));
        centroids = getRuntimeContext().getMapState(new MapStateDescriptor<>("bias-epoch-centroids", Types.INT,
                Types.POJO(ModalityCentroids.class)));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("bias-emit-timer", Types.LONG));
        newestEpoch = getRuntimeContext().getState(new ValueStateDescriptor<>("bias-newest-epoch", Types.INT));
        rejected = getRuntimeContext().getMetricGroup().counter("biasQueriesRejected");
        tooLate = getRuntimeContext().getMetricGroup().counter("biasObservationsTooLate");
    }

    /** The task whose twin {@code taskId} is, or {@code taskId} itself. */
    String baseTask(String taskId) {
        return isTwin(taskId) ? taskId.substring(0, taskId.length() - twinSuffix.length()) : taskId;
    }

    boolean isTwin(String taskId) {
        return !twinSuffix.isEmpty() && taskId.endsWith(twinSuffix) && taskId.length() > twinSuffix.length();
    }

    static String accumulatorKey(int epoch, String task) {
        return epoch + "\u0000" + (task == null ? "" : task);
    }

    @Override
    public void processElement(BiasObservation o, Context ctx, Collector<TaskMetric> out) throws Exception {
        Integer newest = newestEpoch.value();
        if (newest != null && o.epoch <= newest - retainedEpochs) {
            tooLate.inc(); // an epoch already dropped: its reported values stay as they were
            return;
        }
        if (newest == null || o.epoch > newest) {
            newestEpoch.update(o.epoch);
            dropEpochsBefore(o.epoch - retainedEpochs + 1);
        }
        if (BiasObservation.CANDIDATE.equals(o.kind)) {
            ModalityCentroids c = centroids.get(o.epoch);
            if (c == null) {
                c = new ModalityCentroids();
            }
            try {
                c.add(o.modality, o.vector);
            } catch (IllegalArgumentException e) {
                rejected.inc(); // another dimension than the epoch's first vector, or not unit length
                return;
            }
            centroids.put(o.epoch, c);
            return;
        }
        String base = baseTask(o.taskId);
        boolean instructionApplied = !isTwin(o.taskId);
        add(accumulatorKey(o.epoch, null), null, base + "/" + o.queryItemId, instructionApplied, o);
        add(accumulatorKey(o.epoch, base), base, o.queryItemId, instructionApplied, o);
        if (timer.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + emitIntervalMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            timer.update(at);
        }
    }

    private void add(String key, String task, String queryId, boolean instructionApplied, BiasObservation o)
            throws Exception {
        ModalityBiasAccumulator acc = accumulators.get(key);
        BiasSeriesInfo info = infos.get(key);
        if (acc == null) {
            acc = new ModalityBiasAccumulator();
            acc.maxPendingPairs = maxPendingPairs;
            info = new BiasSeriesInfo();
            info.modelId = o.modelId;
            info.taskId = task;
            info.epoch = o.epoch;
        }
        try {
            acc.add(o.toBiasQuery(queryId, instructionApplied));
        } catch (IllegalArgumentException e) {
            rejected.inc(); // inconsistent input (e.g. the two emissions of a pair disagree on modalities)
            return;
        }
        info.firstEventMs = Math.min(info.firstEventMs, o.eventTimeMs);
        info.lastEventMs = Math.max(info.lastEventMs, o.eventTimeMs);
        info.dirty = true;
        accumulators.put(key, acc);
        infos.put(key, info);
    }

    private void dropEpochsBefore(int oldestKept) throws Exception {
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, BiasSeriesInfo> e : infos.entries()) {
            if (e.getValue().epoch < oldestKept) {
                gone.add(e.getKey());
            }
        }
        for (String k : gone) {
            infos.remove(k);
            accumulators.remove(k);
        }
        List<Integer> oldCentroids = new ArrayList<>();
        for (Integer epoch : centroids.keys()) {
            if (epoch < oldestKept) {
                oldCentroids.add(epoch);
            }
        }
        for (Integer epoch : oldCentroids) {
            centroids.remove(epoch);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TaskMetric> out) throws Exception {
        timer.clear();
        long now = ctx.timerService().currentProcessingTime();
        List<String> emitted = new ArrayList<>();
        for (Map.Entry<String, BiasSeriesInfo> e : infos.entries()) {
            BiasSeriesInfo info = e.getValue();
            if (!info.dirty) {
                continue;
            }
            ModalityBiasAccumulator acc = accumulators.get(e.getKey());
            ModalityCentroids epochCentroids = centroids.get(info.epoch);
            for (BiasMetricRow row : rows(acc, epochCentroids)) {
                out.collect(toMetric(row, ctx.getCurrentKey(), info, now));
            }
            if (info.taskId == null && epochCentroids != null) {
                // the modality gap of the epoch's benchmark candidates, beside the all-traffic windows of
                // ModalityGapWindows: a replay gets it per epoch even when no later traffic closes a window
                for (BiasMetricRow row : epochCentroids.results()) {
                    out.collect(toMetric(row, ctx.getCurrentKey(), info, now));
                }
            }
            emitted.add(e.getKey());
        }
        for (String k : emitted) {
            BiasSeriesInfo info = infos.get(k);
            info.dirty = false;
            infos.put(k, info);
        }
    }

    /** The accumulator's rows; without {@code instruction_shift_cosine} when the centroids do not fit. */
    static List<BiasMetricRow> rows(ModalityBiasAccumulator acc, ModalityCentroids centroids) {
        try {
            return acc.results(centroids);
        } catch (IllegalArgumentException e) {
            return acc.results(null);
        }
    }

    static TaskMetric toMetric(BiasMetricRow row, String modelVersion, BiasSeriesInfo info, long now) {
        TaskMetric m = new TaskMetric();
        m.metric = row.metric();
        m.value = row.value();
        m.n = row.count();
        m.scope = QualityVocabulary.SCOPE_MODALITY_BIAS;
        m.taskId = info.taskId;
        m.queryModality = row.queryModality();
        m.targetModality = row.resultModality();
        m.modelId = info.modelId;
        m.modelVersion = modelVersion;
        m.path = QualityVocabulary.PATH_EXACT;
        m.epoch = info.epoch;
        m.windowStartMs = info.firstEventMs;
        m.windowEndMs = info.lastEventMs;
        m.emittedAtMs = now;
        return m;
    }
}
