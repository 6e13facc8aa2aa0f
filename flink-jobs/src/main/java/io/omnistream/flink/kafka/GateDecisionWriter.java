package io.omnistream.flink.kafka;

import io.omnistream.flink.upgrade.GateDecisionEvent;
import io.omnistream.schemas.avro.GateDecision;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@link GateDecisionEvent} → a {@link GateDecision} record on the gate topic, keyed by its deployment name (as the
 * schema says), so the compacted topic keeps each deployment's current verdict.
 */
public class GateDecisionWriter implements KafkaRecordSerializationSchema<GateDecisionEvent> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String registryUrl;
    /** The registry's auth/TLS client config (see {@code KafkaConnection.registryConfig()}); empty: none. */
    private java.util.HashMap<String, String> registryConfig = new java.util.HashMap<>();
    private transient ConfluentAvroSerializer<GateDecision> serializer;

    public GateDecisionWriter(String topic, String registryUrl) {
        this.topic = topic;
        this.registryUrl = registryUrl;
    }

    /** Sets the registry client configuration (basic auth, TLS) registered when the writer opens; returns this. */
    public GateDecisionWriter withRegistryConfig(java.util.Map<String, String> config) {
        this.registryConfig = new java.util.HashMap<>(config);
        return this;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        AvroRecordReader.configureRegistry(registryUrl, registryConfig);
        serializer = new ConfluentAvroSerializer<>(GateDecision.class, registryUrl);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(GateDecisionEvent decision, KafkaSinkContext context,
            Long timestamp) {
        return new ProducerRecord<>(topic, null, decision.decidedAtMs,
                decision.deployment.getBytes(StandardCharsets.UTF_8), serializer.serialize(topic, decision.toAvro()));
    }
}
