package io.omnistream.flink.kafka;

import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import java.io.IOException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the jobs' Kafka deserializers: decodes a Confluent wire-format Avro value with omnistream's serde and hands
 * the record to {@link #convert}, which emits the job's POJO (Avro classes never travel between Flink operators,
 * see {@code BenchEmbedding}).
 *
 * <p><b>Bad input.</b> Tombstones (null values) are skipped. A value that cannot be decoded is skipped, counted in
 * the {@code undecodableRecords} Flink counter and logged (at most once per minute): these jobs only <em>read</em>
 * topics whose producers already dead-letter bad input, the record stays in its topic, and one corrupt record must
 * not stop live quality monitoring.
 */
public abstract class AvroRecordReader<A extends SpecificRecord, T> implements KafkaRecordDeserializationSchema<T> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AvroRecordReader.class);
    private static final long LOG_EVERY_MS = 60_000;

    private final Class<A> avroType;
    private final String registryUrl;
    private final TypeInformation<T> producedType;
    /** The registry's auth/TLS client config (see {@code KafkaConnection.registryConfig()}); empty: none. */
    private java.util.HashMap<String, String> registryConfig = new java.util.HashMap<>();
    private transient ConfluentAvroDeserializer<A> deserializer;
    private transient Counter undecodable;
    private transient long lastLogMs;

    protected AvroRecordReader(Class<A> avroType, String registryUrl, TypeInformation<T> producedType) {
        this.avroType = avroType;
        this.registryUrl = registryUrl;
        this.producedType = producedType;
    }

    /**
     * Sets the registry client configuration (basic auth, TLS) this reader registers for its URL when it opens on a
     * task manager, whose JVM has not read the job's config; returns this reader.
     */
    public AvroRecordReader<A, T> withRegistryConfig(java.util.Map<String, String> config) {
        this.registryConfig = new java.util.HashMap<>(config);
        return this;
    }

    /** Registers {@code config} for {@code url} in this JVM before a serde is built (see SchemaRegistries#configure). */
    static void configureRegistry(String url, java.util.Map<String, String> config) {
        io.omnistream.schemas.serde.SchemaRegistries.configure(url, config);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        configureRegistry(registryUrl, registryConfig);
        deserializer = new ConfluentAvroDeserializer<>(avroType, registryUrl);
        undecodable = context.getMetricGroup().counter("undecodableRecords");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out) throws IOException {
        if (record.value() == null) {
            return;
        }
        A value;
        try {
            value = deserializer.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            undecodable.inc();
            long now = System.currentTimeMillis();
            if (now - lastLogMs > LOG_EVERY_MS) {
                lastLogMs = now;
                LOG.warn("skipping undecodable {} record at {}-{}@{}: {}", avroType.getSimpleName(), record.topic(),
                        record.partition(), record.offset(), e.toString());
            }
            return;
        }
        convert(value, record, out);
    }

    /** Emits zero or more job records for one decoded Avro value. */
    protected abstract void convert(A value, ConsumerRecord<byte[], byte[]> record, Collector<T> out);

    @Override
    public TypeInformation<T> getProducedType() {
        return producedType;
    }
}
