package io.omnistream.launcher.it;

import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.schemas.avro.FailedEvent;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the whole dead-letter topic of a stack, by content id (or record key when the id was unreadable). */
final class DlqReader {
    private DlqReader() {}

    static Map<String, FailedEvent> readAll(EmbeddedStack stack) {
        Map<String, FailedEvent> out = new HashMap<>();
        var deserializer = new ConfluentAvroDeserializer<>(FailedEvent.class, stack.registryUrl());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-dlq-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(stack.dlqTopic()));
            long deadline = System.currentTimeMillis() + 5000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    FailedEvent failed = deserializer.deserialize(record.topic(), record.value());
                    out.put(failed.getContentId() != null ? failed.getContentId() : record.key(), failed);
                }
                if (!out.isEmpty() && consumer.assignment().stream().allMatch(tp ->
                        consumer.position(tp) >= consumer.endOffsets(List.of(tp)).get(tp))) {
                    break;
                }
            }
        }
        return out;
    }
}
