package io.omnistream.runtime.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Every record of a topic from its beginning to the end offsets taken when the read starts, for tools that look at a
 * topic as a whole (the alerts and dead-letter commands, the redrive ledger). Bounded: records appended after the
 * start are not read, so the read ends even on a busy topic. Uses no consumer group (nothing is committed) and reads
 * {@code read_committed}, so records of aborted or open transactions are never returned.
 */
public final class TopicSnapshot {
    private static final Duration POLL = Duration.ofMillis(200);

    private TopicSnapshot() {
    }

    /** Reads {@code topic} on {@code bootstrapServers} (PLAINTEXT) with a consumer of its own. */
    public static List<ConsumerRecord<byte[], byte[]>> read(String bootstrapServers, String topic, Duration timeout) {
        return read(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, timeout);
    }

    /**
     * Reads {@code topic} with a consumer of its own built on {@code clientProperties} (bootstrap servers and security,
     * see {@link KafkaOptions#clientProperties}).
     */
    public static List<ConsumerRecord<byte[], byte[]>> read(Map<String, Object> clientProperties, String topic,
                                                            Duration timeout) {
        Map<String, Object> props = new java.util.HashMap<>(clientProperties);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "omnistream-topic-snapshot");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return read(consumer, topic, timeout);
        }
    }

    /**
     * Reads {@code topic} with {@code consumer} (assigned every partition; its previous assignment is replaced), in
     * each partition's order (partitions interleave), tombstones included.
     *
     * @param timeout how long to wait for the topic's metadata and its records
     * @throws IllegalStateException if the topic does not exist or its end is not reached within {@code timeout}
     */
    public static List<ConsumerRecord<byte[], byte[]>> read(Consumer<byte[], byte[]> consumer, String topic,
            Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    out.add(r);
                }
            }
        }
        return out;
    }
}
