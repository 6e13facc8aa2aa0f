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
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records in the Confluent wire format: magic byte 0, the 4-byte big-endian schema id, then Avro binary.
 * The subject is {@code <topic>-value} (Confluent's TopicNameStrategy); the schema is registered on first use (the
 * registry refuses it if it breaks the subject's compatibility rule). A null record is written as null, i.e. a
 * Kafka tombstone. Thread-safe.
 *
 * <p>Compatibility: when the subject has no version yet, this serializer first sets the subject's compatibility to
 * {@value #FIRST_REGISTRATION_COMPATIBILITY} ({@code PUT /config/<subject>}), so that consumers on the previous schema
 * can always read what the next one writes, whatever the registry's global default is (Apicurio's is NONE). Caveat: a
 * subject-level setting made before the subject's first version is replaced; change it after the first version.
 */
public class ConfluentAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    static final byte MAGIC_BYTE = 0;
    /** Compatibility level given to a subject this serializer creates. */
    public static final String FIRST_REGISTRATION_COMPATIBILITY = "BACKWARD";
    private static final int HTTP_NOT_FOUND = 404;

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
            if (hasNoVersion(subject)) {
                // two writers may both get here for a new subject; both set the same level, which is harmless
                registry.updateCompatibility(subject, FIRST_REGISTRATION_COMPATIBILITY);
            }
            return registry.register(subject, registrySchema);
        } catch (Exception e) {
            throw new SerializationException("schema registry refused " + schema.getFullName() + " under subject " + subject + ": " + e.getMessage(), e);
        }
    }

    private boolean hasNoVersion(String subject) throws IOException, RestClientException {
        try {
            return registry.getAllVersions(subject).isEmpty();
        } catch (RestClientException e) {
            if (e.getStatus() == HTTP_NOT_FOUND) {
                return true; // 40401 subject not found
            }
            throw e;
        }
    }
}
