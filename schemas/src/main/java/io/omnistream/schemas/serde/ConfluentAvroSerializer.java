package io.omnistream.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaRegistryClient;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records in the Confluent wire format: magic byte 0, the 4-byte big-endian schema id, then Avro binary.
 * The subject is {@code <topic>-value} (Confluent's TopicNameStrategy); the schema is registered on first use (the
 * registry refuses it if it breaks the subject's compatibility rule). A null record is written as null, i.e. a
 * Kafka tombstone. Thread-safe.
 */
public class ConfluentAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    static final byte MAGIC_BYTE = 0;

    private final SchemaRegistryClient registry;
    private final org.apache.avro.Schema schema;
    private final AvroSchema registrySchema;
    private final SpecificDatumWriter<T> writer;
    private final Map<String, Integer> idBySubject = new ConcurrentHashMap<>();

    public ConfluentAvroSerializer(Class<T> type, String registryUrl) {
        this(type, SchemaRegistries.client(registryUrl));
    }

    public ConfluentAvroSerializer(Class<T> type, SchemaRegistryClient registry) {
        this.registry = registry;
        this.schema = org.apache.avro.specific.SpecificData.get().getSchema(type);
        this.registrySchema = new AvroSchema(schema.toString());
        this.writer = new SpecificDatumWriter<>(schema);
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        int id = idBySubject.computeIfAbsent(topic + "-value", this::register);
        try (ByteArrayOutputStream out = new ByteArrayOutputStream(256)) {
            out.write(MAGIC_BYTE);
            out.write(ByteBuffer.allocate(4).putInt(id).array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot serialize " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
    }

    private int register(String subject) {
        try {
            return registry.register(subject, registrySchema);
        } catch (Exception e) {
            throw new SerializationException("schema registry refused " + schema.getFullName() + " under subject " + subject + ": " + e.getMessage(), e);
        }
    }
}
