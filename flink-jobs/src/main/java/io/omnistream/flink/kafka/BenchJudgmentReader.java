package io.omnistream.flink.kafka;

import io.omnistream.flink.quality.BenchJudgment;
import io.omnistream.schemas.avro.Judgment;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** {@code bench.judgments.v1} → {@link BenchJudgment}. */
public class BenchJudgmentReader extends AvroRecordReader<Judgment, BenchJudgment> {
    private static final long serialVersionUID = 1L;

    public BenchJudgmentReader(String registryUrl) {
        super(Judgment.class, registryUrl, Types.POJO(BenchJudgment.class));
    }

    @Override
    protected void convert(Judgment value, ConsumerRecord<byte[], byte[]> record, Collector<BenchJudgment> out) {
        out.collect(BenchJudgment.fromAvro(value));
    }
}
