package io.omnistream.flink.kafka;

import io.omnistream.flink.quality.BenchEmbedding;
import io.omnistream.schemas.avro.FailedEvent;
import io.omnistream.schemas.bench.BenchContentIds;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The dead-letter topic → {@link BenchEmbedding#deadLetter} records for benchmark items (recognised by their content
 * id, {@link BenchContentIds}); other dead letters are not the quality job's concern and are dropped here.
 */
public class DeadLetterReader extends AvroRecordReader<FailedEvent, BenchEmbedding> {
    private static final long serialVersionUID = 1L;

    public DeadLetterReader(String registryUrl) {
        super(FailedEvent.class, registryUrl, Types.POJO(BenchEmbedding.class));
    }

    @Override
    protected void convert(FailedEvent value, ConsumerRecord<byte[], byte[]> record, Collector<BenchEmbedding> out) {
        Optional<BenchContentIds.Parsed> id = BenchContentIds.parse(value.getContentId());
        if (id.isPresent()) {
            BenchContentIds.Parsed p = id.get();
            out.collect(BenchEmbedding.deadLetter(p.taskId(), p.epoch(), p.role().name(), p.itemId(),
                    value.getFailedAtMs(), value.getStage() + ": " + value.getReason()));
        }
    }
}
