package io.omnistream.flink.kafka;

import io.omnistream.flink.quality.BenchEmbedding;
import io.omnistream.schemas.avro.EmbeddingEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Embedding topics → {@link BenchEmbedding}; ordinary (non-benchmark) traffic is dropped here. */
public class BenchEmbeddingReader extends AvroRecordReader<EmbeddingEvent, BenchEmbedding> {
    private static final long serialVersionUID = 1L;

    public BenchEmbeddingReader(String registryUrl) {
        super(EmbeddingEvent.class, registryUrl, Types.POJO(BenchEmbedding.class));
    }

    @Override
    protected void convert(EmbeddingEvent value, ConsumerRecord<byte[], byte[]> record, Collector<BenchEmbedding> out) {
        BenchEmbedding e = BenchEmbedding.fromAvro(value);
        if (e != null) {
            out.collect(e);
        }
    }
}
