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
    private transient ConfluentAvroSerializer<DriftAlert> serializer;

    public DriftAlertWriter(String topic, String registryUrl) {
        this.topic = topic;
        this.registryUrl = registryUrl;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        serializer = new ConfluentAvroSerializer<>(DriftAlert.class, registryUrl);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DriftAlertEvent alert, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, alert.raisedAtMs, alert.metric.getBytes(StandardCharsets.UTF_8),
                serializer.serialize(topic, alert.toAvro()));
    }
}
