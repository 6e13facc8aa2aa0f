package io.omnistream.launcher.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omnistream.schemas.avro.QueryRanking;
import io.omnistream.schemas.avro.RankedCandidate;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code --export-rankings}: reads the rankings topic ({@code quality.rankings.v1}, {@link QueryRanking}) from the
 * beginning to its current end and writes one JSON line per (task, query, epoch, path) of the requested tasks and
 * epoch: {@code {"task", "query_id", "epoch", "path", "ranking": [[candidate_id, score], ...]}} (top 100), the input
 * format of {@code ./omnistream evaluate-offline}. A query ranked twice on the same path (a job restart re-emits) is
 * written once, the last record winning; lines are sorted by task, path and query id so two exports diff cleanly.
 *
 * <p>Memory: only the requested tasks' rankings of one epoch are held (at most 100 entries each).
 */
public final class RankingsExport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(500);

    private RankingsExport() {}

    /** @return the number of lines written */
    public static int write(Path file, String bootstrapServers, String registryUrl, String topic,
            Collection<String> taskIds, int epoch, Set<String> paths) throws IOException {
        Map<String, QueryRanking> latest = new TreeMap<>();
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             ConfluentAvroDeserializer<QueryRanking> values = new ConfluentAvroDeserializer<>(QueryRanking.class, registryUrl)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.value() == null) {
                        continue;
                    }
                    QueryRanking r = values.deserialize(record.topic(), record.value());
                    if (r.getEpoch() == epoch && taskIds.contains(r.getTaskId()) && paths.contains(r.getPath())) {
                        latest.put(r.getTaskId() + "\u0000" + r.getPath() + "\u0000" + r.getModelVersion() + "\u0000"
                                + r.getQueryItemId(), r);
                    }
                }
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (QueryRanking r : latest.values()) {
                out.write(JSON.writeValueAsString(line(r)));
                out.newLine();
            }
        }
        return latest.size();
    }

    static ObjectNode line(QueryRanking r) {
        ObjectNode node = JSON.createObjectNode();
        node.put("task", r.getTaskId());
        node.put("query_id", r.getQueryItemId());
        node.put("epoch", r.getEpoch());
        node.put("path", r.getPath());
        node.put("model_version", r.getModelVersion());
        ArrayNode ranking = node.putArray("ranking");
        for (RankedCandidate c : r.getRanked()) {
            ranking.addArray().add(c.getCandidateItemId()).add(c.getScore());
        }
        return node;
    }
}
