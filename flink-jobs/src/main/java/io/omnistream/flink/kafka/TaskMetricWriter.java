package io.omnistream.flink.kafka;

import io.omnistream.flink.quality.TaskMetric;
import io.omnistream.schemas.avro.RetrievalMetric;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@link TaskMetric} → a {@link RetrievalMetric} record (Confluent wire format) on the metrics topic, keyed by its
 * {@link TaskMetric#seriesKey() series}, so a record and its later replacements share a partition (ordered) and the
 * topic could be compacted to the latest value per series.
 */
public class TaskMetricWriter implements KafkaRecordSerializationSchema<TaskMetric> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String registryUrl;
    /** The registry's auth/TLS client config (see {@code KafkaConnection.registryConfig()}); empty: none. */
    private java.util.HashMap<String, String> registryConfig = new java.util.HashMap<>();
    private transient ConfluentAvroSerializer<RetrievalMetric> serializer;

    public TaskMetricWriter(String topic, String registryUrl) {
        this.topic = topic;
        this.registryUrl = registryUrl;
    }

    /** Sets the registry client configuration (basic auth, TLS) registered when the writer opens; returns this. */
    public TaskMetricWriter withRegistryConfig(java.util.Map<String, String> config) {
        this.registryConfig = new java.util.HashMap<>(config);
        return this;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        AvroRecordReader.configureRegistry(registryUrl, registryConfig);
        serializer = new ConfluentAvroSerializer<>(RetrievalMetric.class, registryUrl);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(TaskMetric metric, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, metric.emittedAtMs, metric.seriesKey().getBytes(StandardCharsets.UTF_8),
                serializer.serialize(topic, metric.toAvro()));
    }
}
