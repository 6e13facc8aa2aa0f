package io.omnistream.flink.kafka;

import io.omnistream.flink.quality.BenchEmbedding;
import io.omnistream.schemas.avro.EmbeddingEvent;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Embedding topics → {@link BenchEmbedding} for <em>all</em> traffic (unlike {@link BenchEmbeddingReader}): benchmark
 * events as there, ordinary events with role, task and item null. The modality gap needs every vector. Events whose
 * vector length disagrees with their declared dimension are dropped.
 */
public class EmbeddingReader extends AvroRecordReader<EmbeddingEvent, BenchEmbedding> {
    private static final long serialVersionUID = 1L;

    public EmbeddingReader(String registryUrl) {
        super(EmbeddingEvent.class, registryUrl, Types.POJO(BenchEmbedding.class));
    }

    @Override
    protected void convert(EmbeddingEvent value, ConsumerRecord<byte[], byte[]> record, Collector<BenchEmbedding> out) {
        if (value.getBenchmark() != null) {
            BenchEmbedding e = BenchEmbedding.fromAvro(value);
            if (e != null) {
                out.collect(e);
            }
            return;
        }
        List<Float> values = value.getVector();
        if (values == null || values.size() != value.getDimension()) {
            return;
        }
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        BenchEmbedding e = new BenchEmbedding();
        e.contentId = value.getContentId();
        e.modelId = value.getModelId();
        e.modelVersion = value.getModelVersion();
        e.modality = value.getModality().name();
        e.eventTimeMs = value.getSourceEventTimeMs();
        e.vector = vector;
        out.collect(e);
    }
}
