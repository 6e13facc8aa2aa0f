package io.omnistream.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.Decoder;
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
 * <p>Memory: decoding one value allocates in proportion to its size, whatever lengths its bytes declare (a value is
 * walked with its writer schema before it is read).
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
            checkLengths(reader.getSchema(), DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, null));
            return reader.read(null, DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode " + readerSchema.getFullName() + " (schema id " + id
                    + ") on topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * Walks a value as {@code schema} wrote it without keeping anything: a string or bytes length that runs past the
     * end fails as it is skipped, and every item of an array or map is walked one by one, so a declared item count
     * fails at the end of the bytes too. Avro's reader allocates a string, bytes or array of the length a value
     * declares before reading its content (up to its own limit of about 2 GiB), so a few hostile bytes could
     * otherwise take the whole heap; after this walk every declared length fits in the bytes. (Avro's own skipping
     * does not do for this: it skips an array block by the byte size the block declares, without its item count.)
     * Each item of this project's arrays and maps takes at least one byte, so the walk ends within the value's size.
     */
    private static void checkLengths(Schema schema, Decoder in) throws IOException {
        switch (schema.getType()) {
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    checkLengths(field.schema(), in);
                }
            }
            case ARRAY -> {
                for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
                    for (long i = 0; i < n; i++) {
                        checkLengths(schema.getElementType(), in);
                    }
                }
            }
            case MAP -> {
                for (long n = in.readMapStart(); n > 0; n = in.mapNext()) {
                    for (long i = 0; i < n; i++) {
                        in.skipString();
                        checkLengths(schema.getValueType(), in);
                    }
                }
            }
            case UNION -> checkLengths(schema.getTypes().get(in.readIndex()), in);
            case ENUM -> in.readEnum();
            case FIXED -> in.skipFixed(schema.getFixedSize());
            case STRING -> in.skipString();
            case BYTES -> in.skipBytes();
            case INT -> in.readInt();
            case LONG -> in.readLong();
            case FLOAT -> in.readFloat();
            case DOUBLE -> in.readDouble();
            case BOOLEAN -> in.readBoolean();
            case NULL -> in.readNull();
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
