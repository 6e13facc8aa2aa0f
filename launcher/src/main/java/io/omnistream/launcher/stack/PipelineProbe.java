package io.omnistream.launcher.stack;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Read-only questions about a running pipeline, answered from Kafka's committed offsets vs. end offsets. Used by
 * the demo, the benchmarks and the integration tests to wait until a stage has processed everything, without sleeping
 * a guessed amount of time.
 */
public final class PipelineProbe implements AutoCloseable {
    private final Admin admin;

    public PipelineProbe(String bootstrapServers) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Records in {@code topic} not yet committed by {@code groupId} (end offset − committed offset, summed). */
    public long lag(String groupId, String topic) {
        try {
            Map<TopicPartition, Long> ends = endOffsets(topic);
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
            long lag = 0;
            for (var end : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(end.getKey());
                lag += end.getValue() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read offsets of " + groupId + " on " + topic + ": " + e.getCause().getMessage(), e);
        }
    }

    /**
     * Waits until the encoder group and the sink group have committed everything on their input topics (lag 0 on
     * both, twice in a row 200 ms apart), printing the backlog when it moved (at most every 2 s) and every 30 s.
     *
     * @throws IllegalStateException after {@code timeout}, naming both lags
     */
    public void awaitDrained(RunningPipeline pipeline, String encoderGroup, String sinkGroup, Duration timeout,
            PrintStream out) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int zeroStreak = 0;
        long lastReport = 0;
        String lastLine = "";
        while (zeroStreak < 2) {
            long encoderLag = lag(encoderGroup, pipeline.mediaTopic());
            long sinkLag = lag(sinkGroup, pipeline.embeddingTopic());
            zeroStreak = encoderLag == 0 && sinkLag == 0 ? zeroStreak + 1 : 0;
            String line = String.format("  pending: %d to encode, %d to upsert", encoderLag, sinkLag);
            long sinceReport = System.nanoTime() - lastReport;
            if (zeroStreak == 0 && ((!line.equals(lastLine) && sinceReport > 2_000_000_000L) || sinceReport > 30_000_000_000L)) {
                out.println(line);
                lastLine = line;
                lastReport = System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pipeline did not drain within " + timeout.toSeconds() + " s (encoder lag "
                        + encoderLag + ", sink lag " + sinkLag + ")");
            }
            Thread.sleep(200); // pace of the offset polling; the condition is the lag read above
        }
    }

    /** Total records ever appended to {@code topic} (sum of end offsets; 0 if the topic does not exist). */
    public long recordCount(String topic) {
        try {
            return endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
        } catch (ExecutionException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Map<TopicPartition, Long> endOffsets(String topic) throws ExecutionException, InterruptedException {
        var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
        Map<TopicPartition, OffsetSpec> request = partitions.stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = admin.listOffsets(request).all().get();
        return result.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
