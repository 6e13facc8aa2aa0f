package io.omnistream.flink.kafka;

import io.omnistream.flink.quality.QueryScore;
import io.omnistream.flink.quality.metrics.MetricName;
import io.omnistream.schemas.avro.QueryRanking;
import io.omnistream.schemas.avro.RankedCandidate;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** {@link QueryScore} → a {@link QueryRanking} record on the rankings topic, keyed by model version/path/task/epoch/query. */
public class QueryRankingWriter implements KafkaRecordSerializationSchema<QueryScore> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String registryUrl;
    /** The registry's auth/TLS client config (see {@code KafkaConnection.registryConfig()}); empty: none. */
    private java.util.HashMap<String, String> registryConfig = new java.util.HashMap<>();
    private transient ConfluentAvroSerializer<QueryRanking> serializer;

    public QueryRankingWriter(String topic, String registryUrl) {
        this.topic = topic;
        this.registryUrl = registryUrl;
    }

    /** Sets the registry client configuration (basic auth, TLS) registered when the writer opens; returns this. */
    public QueryRankingWriter withRegistryConfig(java.util.Map<String, String> config) {
        this.registryConfig = new java.util.HashMap<>(config);
        return this;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        AvroRecordReader.configureRegistry(registryUrl, registryConfig);
        serializer = new ConfluentAvroSerializer<>(QueryRanking.class, registryUrl);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(QueryScore s, KafkaSinkContext context, Long timestamp) {
        String key = String.join("|", s.modelVersion, s.path, s.taskId, Integer.toString(s.epoch), s.queryItemId);
        return new ProducerRecord<>(topic, null, key.getBytes(StandardCharsets.UTF_8),
                serializer.serialize(topic, toAvro(s)));
    }

    static QueryRanking toAvro(QueryScore s) {
        List<RankedCandidate> ranked = new ArrayList<>(s.topIds.length);
        for (int i = 0; i < s.topIds.length; i++) {
            ranked.add(new RankedCandidate(s.topIds[i], s.topScores[i]));
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (MetricName name : MetricName.values()) {
            metrics.put(name.key(), s.value(name));
        }
        return QueryRanking.newBuilder()
                .setModelId(s.modelId).setModelVersion(s.modelVersion).setTaskId(s.taskId).setEpoch(s.epoch)
                .setQueryItemId(s.queryItemId).setPath(s.path).setCandidateCount(s.candidateCount)
                .setRanked(ranked).setMetrics(metrics).setEventTimeMs(s.eventTimeMs)
                .build();
    }
}
