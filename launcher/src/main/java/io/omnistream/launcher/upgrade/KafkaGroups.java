package io.omnistream.launcher.upgrade;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * The consumer-group facts an upgrade decides on: how far a group is behind the end of a topic, and deleting the
 * groups of a released version. Strict on purpose: a partition the group never committed counts with its whole end
 * offset, so a shadow that has not started reading a partition is not "caught up" on it.
 */
public final class KafkaGroups implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final Admin admin;

    public KafkaGroups(Map<String, Object> clientProperties) {
        this.admin = Admin.create(clientProperties);
    }

    /** Records of {@code topic} after {@code group}'s committed offsets, summed over the topic's partitions. */
    public long lag(String topic, String group) {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(request).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return lagOf(ends, committed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the lag of " + group, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the lag of group " + group + " on " + topic + ": " + e, e);
        }
    }

    /** Sum over {@code ends} of end minus committed offset; a partition without a commit counts whole. */
    static long lagOf(Map<TopicPartition, Long> ends, Map<TopicPartition, OffsetAndMetadata> committed) {
        long lag = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += Math.max(0, e.getValue() - (c == null ? 0 : c.offset()));
        }
        return lag;
    }

    /** Deletes the groups (they must have no members: their workers are closed first); absent groups are fine. */
    public void delete(List<String> groups) {
        if (groups.isEmpty()) {
            return;
        }
        try {
            admin.deleteConsumerGroups(groups).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deleting groups " + groups, e);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw new IllegalStateException("cannot delete consumer groups " + groups + ": " + e.getCause(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot delete consumer groups " + groups + ": " + e, e);
        }
    }

    @Override
    public void close() {
        admin.close(TIMEOUT);
    }
}
