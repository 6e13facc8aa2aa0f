package io.omnistream.flink.kafka;

import io.omnistream.flink.drift.job.DriftAlertEvent;
import io.omnistream.schemas.avro.DriftAlert;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** {@link DriftAlertEvent} → a {@link DriftAlert} record on the alerts topic, keyed by its metric (as the schema says). */
public class DriftAlertWriter implements KafkaRecordSerializationSchema<DriftAlertEvent> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String registryUrl;
    /** The registry's auth/TLS client config (see {@code KafkaConnection.registryConfig()}); empty: none. */
    private java.util.HashMap<String, String> registryConfig = new java.util.HashMap<>();
    private transient ConfluentAvroSerializer<DriftAlert> serializer;

    public DriftAlertWriter(String topic, String registryUrl) {
        this.topic = topic;
        this.registryUrl = registryUrl;
    }

    /** Sets the registry client configuration (basic auth, TLS) registered when the writer opens; returns this. */
    public DriftAlertWriter withRegistryConfig(java.util.Map<String, String> config) {
        this.registryConfig = new java.util.HashMap<>(config);
        return this;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        AvroRecordReader.configureRegistry(registryUrl, registryConfig);
        serializer = new ConfluentAvroSerializer<>(DriftAlert.class, registryUrl);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DriftAlertEvent alert, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, alert.raisedAtMs, alert.metric.getBytes(StandardCharsets.UTF_8),
                serializer.serialize(topic, alert.toAvro()));
    }
}
