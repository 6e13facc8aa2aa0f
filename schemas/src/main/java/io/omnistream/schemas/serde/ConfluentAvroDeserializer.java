package io.omnistream.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaRegistryClient;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format (magic byte 0, schema id, Avro binary). The writer schema is fetched from the
 * registry by id (once per id) and resolved against the reader's generated class, so records written with an older
 * compatible schema are read with defaults filled in. A null value (tombstone) reads as null. Thread-safe.
 *
 * @throws SerializationException for a wrong magic byte, an unknown id or undecodable bytes: a permanent failure.
 */
public class ConfluentAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private final SchemaRegistryClient registry;
    private final Schema readerSchema;
    private final boolean localFallback;
    private final Map<Integer, SpecificDatumReader<T>> readerByWriterId = new ConcurrentHashMap<>();

    public ConfluentAvroDeserializer(Class<T> type, String registryUrl) {
        this(type, SchemaRegistries.client(registryUrl), false);
    }

    public ConfluentAvroDeserializer(Class<T> type, SchemaRegistryClient registry) {
        this(type, registry, false);
    }

    private ConfluentAvroDeserializer(Class<T> type, SchemaRegistryClient registry, boolean localFallback) {
        this.registry = registry;
        this.readerSchema = SpecificData.get().getSchema(type);
        this.localFallback = localFallback;
    }

    /**
     * For command-line tools run beside the embedded stack, whose {@code mock://} registry lives in the stack's JVM:
     * a schema id the registry does not know is read with this build's own schema of {@code type} as the writer
     * schema (what a stack of the same build wrote with). Never for services: there an unknown id is an error.
     */
    public static <T extends SpecificRecord> ConfluentAvroDeserializer<T> withLocalSchemaFallback(Class<T> type,
            String registryUrl) {
        return new ConfluentAvroDeserializer<>(type, SchemaRegistries.client(registryUrl), true);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < 5 || data[0] != ConfluentAvroSerializer.MAGIC_BYTE) {
            throw new SerializationException("not Confluent wire format (" + data.length + " bytes, first byte "
                    + (data.length == 0 ? "none" : Integer.toString(data[0])) + ") on topic " + topic);
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        buffer.get();
        int id = buffer.getInt();
        SpecificDatumReader<T> reader = readerByWriterId.computeIfAbsent(id, this::readerFor);
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode " + readerSchema.getFullName() + " (schema id " + id
                    + ") on topic " + topic + ": " + e.getMessage(), e);
        }
    }

    private SpecificDatumReader<T> readerFor(int schemaId) {
        try {
            Schema writer = new Schema.Parser().parse(registry.getSchemaById(schemaId).canonicalString());
            return new SpecificDatumReader<>(writer, readerSchema);
        } catch (Exception e) {
            if (localFallback) {
                return new SpecificDatumReader<>(readerSchema, readerSchema);
            }
            throw new SerializationException("unknown schema id " + schemaId + ": " + e.getMessage(), e);
        }
    }
}
