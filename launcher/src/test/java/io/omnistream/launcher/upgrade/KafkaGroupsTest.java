package io.omnistream.launcher.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaGroupsTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    @Test
    void aPartitionNeverCommittedCountsWhole() {
        assertThat(KafkaGroups.lagOf(Map.of(P0, 10L, P1, 7L), Map.of(P0, new OffsetAndMetadata(10)))).isEqualTo(7);
    }

    @Test
    void caughtUpGroupHasNoLagAndEmptyPartitionsCountZero() {
        assertThat(KafkaGroups.lagOf(Map.of(P0, 10L, P1, 0L), Map.of(P0, new OffsetAndMetadata(10)))).isZero();
        assertThat(KafkaGroups.lagOf(Map.of(P0, 10L, P1, 4L),
                Map.of(P0, new OffsetAndMetadata(3), P1, new OffsetAndMetadata(4)))).isEqualTo(7);
    }
}
