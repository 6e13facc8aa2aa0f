package io.omnistream.flink.quality;

import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.avro.RetrievalMetric;
import io.omnistream.schemas.quality.QualityVocabulary;

/**
 * One {@link RetrievalMetric} as a Flink POJO, field for field (Avro classes are not used inside the job, see
 * {@link BenchEmbedding}). Convert with {@link #toAvro()} immediately before the Kafka sink.
 */
public class TaskMetric {

    public String metric;
    public double value;
    public long n;
    public String scope;
    public String taskId;
    public String metaTask;
    public String queryModality;
    public String targetModality;
    public String modelId;
    public String modelVersion;
    public String path;
    /** Nullable as in the Avro schema. */
    public Integer epoch;
    public long windowStartMs;
    public long windowEndMs;
    public long emittedAtMs;
    /** Nullable: why the value is what it is when not obvious (e.g. the dead-letter reason of not_scored). */
    public String detail;

    public TaskMetric() {
    }

    public RetrievalMetric toAvro() {
        return RetrievalMetric.newBuilder()
                .setMetric(metric).setValue(value).setN(n).setScope(scope)
                .setTaskId(taskId).setMetaTask(metaTask)
                .setQueryModality(queryModality == null ? null : Modality.valueOf(queryModality))
                .setTargetModality(targetModality == null ? null : Modality.valueOf(targetModality))
                .setModelId(modelId).setModelVersion(modelVersion).setPath(path).setEpoch(epoch)
                .setWindowStartMs(windowStartMs).setWindowEndMs(windowEndMs).setEmittedAtMs(emittedAtMs)
                .setDetail(detail)
                .build();
    }

    /**
     * The Kafka key of the record: its series and epoch (window), so that the compacted metrics topic keeps the latest
     * value of each, and a record repeated after a restart (the same value: state is checkpointed) replaces its twin.
     * A drift_check record also names the scope of the series it checked ({@link #detail}).
     */
    public String seriesKey() {
        String checked = scope.equals(QualityVocabulary.SCOPE_DRIFT_CHECK) ? "|" + detail : "";
        return String.join("|", modelVersion, path, scope, String.valueOf(taskId), String.valueOf(metaTask),
                String.valueOf(queryModality) + "->" + String.valueOf(targetModality), String.valueOf(epoch),
                scope.equals(QualityVocabulary.SCOPE_WINDOW) ? Long.toString(windowStartMs) : "", metric) + checked;
    }

    /** A copy with another metric/value (the other fields shared). */
    public TaskMetric withMetric(String newMetric, double newValue) {
        TaskMetric m = copy();
        m.metric = newMetric;
        m.value = newValue;
        return m;
    }

    public TaskMetric copy() {
        TaskMetric m = new TaskMetric();
        m.metric = metric;
        m.value = value;
        m.n = n;
        m.scope = scope;
        m.taskId = taskId;
        m.metaTask = metaTask;
        m.queryModality = queryModality;
        m.targetModality = targetModality;
        m.modelId = modelId;
        m.modelVersion = modelVersion;
        m.path = path;
        m.epoch = epoch;
        m.windowStartMs = windowStartMs;
        m.windowEndMs = windowEndMs;
        m.emittedAtMs = emittedAtMs;
        m.detail = detail;
        return m;
    }

    @Override
    public String toString() {
        return "TaskMetric{" + modelId + "/" + modelVersion + " " + taskId + "#" + epoch + " " + metric + "=" + value
                + " n=" + n + "}";
    }
}
