package io.omnistream.flink.kafka;

import io.omnistream.flink.quality.TaskMetric;
import io.omnistream.schemas.avro.RetrievalMetric;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** {@code quality.metrics.v1} → {@link TaskMetric} (the inverse of {@link TaskMetricWriter}). */
public class RetrievalMetricReader extends AvroRecordReader<RetrievalMetric, TaskMetric> {
    private static final long serialVersionUID = 1L;

    public RetrievalMetricReader(String registryUrl) {
        super(RetrievalMetric.class, registryUrl, Types.POJO(TaskMetric.class));
    }

    @Override
    protected void convert(RetrievalMetric v, ConsumerRecord<byte[], byte[]> record, Collector<TaskMetric> out) {
        out.collect(fromAvro(v));
    }

    public static TaskMetric fromAvro(RetrievalMetric v) {
        TaskMetric m = new TaskMetric();
        m.metric = v.getMetric();
        m.value = v.getValue();
        m.n = v.getN();
        m.scope = v.getScope();
        m.taskId = v.getTaskId();
        m.metaTask = v.getMetaTask();
        m.queryModality = v.getQueryModality() == null ? null : v.getQueryModality().name();
        m.targetModality = v.getTargetModality() == null ? null : v.getTargetModality().name();
        m.modelId = v.getModelId();
        m.modelVersion = v.getModelVersion();
        m.path = v.getPath();
        m.epoch = v.getEpoch();
        m.windowStartMs = v.getWindowStartMs();
        m.windowEndMs = v.getWindowEndMs();
        m.emittedAtMs = v.getEmittedAtMs();
        m.detail = v.getDetail();
        return m;
    }
}
