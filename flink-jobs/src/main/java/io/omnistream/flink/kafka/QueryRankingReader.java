package io.omnistream.flink.kafka;

import io.omnistream.flink.bias.job.BiasInput;
import io.omnistream.schemas.avro.QueryRanking;
import io.omnistream.schemas.quality.QualityVocabulary;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** {@code quality.rankings.v1} → {@link BiasInput} rankings of the exact path (the served path's are dropped). */
public class QueryRankingReader extends AvroRecordReader<QueryRanking, BiasInput> {
    private static final long serialVersionUID = 1L;

    public QueryRankingReader(String registryUrl) {
        super(QueryRanking.class, registryUrl, Types.POJO(BiasInput.class));
    }

    @Override
    protected void convert(QueryRanking value, ConsumerRecord<byte[], byte[]> record, Collector<BiasInput> out) {
        if (QualityVocabulary.PATH_EXACT.equals(value.getPath())) {
            out.collect(BiasInput.of(value));
        }
    }
}
