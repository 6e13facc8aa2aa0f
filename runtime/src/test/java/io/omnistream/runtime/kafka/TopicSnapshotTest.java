package io.omnistream.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TopicSnapshotTest {
    private static final String TOPIC = "media.dlq.v1";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private static MockConsumer<byte[], byte[]> consumerWithTwoPartitions() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        Node node = new Node(0, "localhost", 9092);
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, node, null, null),
                new PartitionInfo(TOPIC, 1, node, null, null)));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        return consumer;
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset, String value) {
        return new ConsumerRecord<>(TOPIC, tp.partition(), offset, ("k" + offset).getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsEveryPartitionUpToTheEndOffsetsTakenAtTheStartTombstonesIncluded() {
        MockConsumer<byte[], byte[]> consumer = consumerWithTwoPartitions();
        consumer.updateEndOffsets(Map.of(P0, 2L, P1, 1L));
        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(P0, 0, "a"));
            consumer.addRecord(record(P1, 0, null));
        });
        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(P0, 1, "b"));
            // appended after the read started: beyond the end taken at the start, not part of the snapshot
            consumer.addRecord(record(P0, 2, "late"));
        });
        List<ConsumerRecord<byte[], byte[]>> read = TopicSnapshot.read(consumer, TOPIC, Duration.ofSeconds(5));
        assertThat(read).extracting(r -> r.partition() + "/" + r.offset()).containsExactlyInAnyOrder("0/0", "1/0", "0/1");
        assertThat(read.stream().filter(r -> r.partition() == 0).map(ConsumerRecord::offset)).containsExactly(0L, 1L);
        assertThat(read.stream().filter(r -> r.partition() == 1).findFirst().orElseThrow().value()).isNull();
    }

    @Test
    void anEmptyTopicReadsAsNothingAndAMissingOneFails() {
        MockConsumer<byte[], byte[]> consumer = consumerWithTwoPartitions();
        consumer.updateEndOffsets(Map.of(P0, 0L, P1, 0L));
        assertThat(TopicSnapshot.read(consumer, TOPIC, Duration.ofSeconds(5))).isEmpty();
        assertThatThrownBy(() -> TopicSnapshot.read(consumer, "no.such.topic", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no.such.topic does not exist");
    }
}
