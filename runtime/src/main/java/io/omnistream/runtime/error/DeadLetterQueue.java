package io.omnistream.runtime.error;

import io.omnistream.runtime.kafka.TopicSnapshot;
import io.omnistream.schemas.avro.FailedEvent;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads a dead-letter topic back as {@link DeadLetter}s, for the {@code ./omnistream dlq} commands. */
public final class DeadLetterQueue {
    private DeadLetterQueue() {
    }

    /**
     * Every letter on {@code topic} up to its end as of the call (see {@link TopicSnapshot}), in each partition's
     * order. A schema id unknown to the registry (the embedded stack's in-JVM {@code mock://} registry, seen from a
     * command-line process) is read with this build's FailedEvent schema.
     */
    public static List<DeadLetter> read(String bootstrapServers, String registryUrl, String topic, Duration timeout) {
        return read(java.util.Map.<String, Object>of("bootstrap.servers", bootstrapServers), registryUrl, topic, timeout);
    }

    /** {@link #read(String, String, String, Duration)} with a consumer on {@code clientProperties} (servers, security). */
    public static List<DeadLetter> read(java.util.Map<String, Object> clientProperties, String registryUrl, String topic,
                                        Duration timeout) {
        return decode(TopicSnapshot.read(clientProperties, topic, timeout),
                ConfluentAvroDeserializer.withLocalSchemaFallback(FailedEvent.class, registryUrl));
    }

    /** Letters of raw records; tombstones (nothing to read) are skipped. */
    public static List<DeadLetter> decode(List<ConsumerRecord<byte[], byte[]>> records, Deserializer<FailedEvent> values) {
        List<DeadLetter> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() != null) {
                String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                out.add(new DeadLetter(r.topic(), r.partition(), r.offset(), key, values.deserialize(r.topic(), r.value())));
            }
        }
        return out;
    }
}
