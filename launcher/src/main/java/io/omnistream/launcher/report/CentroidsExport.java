package io.omnistream.launcher.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omnistream.schemas.avro.BenchmarkMarker;
import io.omnistream.schemas.avro.BenchmarkRole;
import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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
 * {@code replay --export-centroids FILE}: the per-modality mean of one model version's benchmark <em>candidate</em>
 * vectors of one epoch, read from the embedding topic (beginning to current end), written as the centroids file of
 * the encoder's {@code center} post-processing step: {@code {"TEXT": [..], "DOCUMENT": [..], ..., "model_version":
 * "..", "epoch": e, "counts": {"TEXT": n, ..}}} (the extra keys are ignored by the encoder). A candidate replayed into
 * several tasks counts once per distinct content id. The means are of unit vectors, not renormalised (the centring
 * step subtracts the mean and renormalises the result).
 */
public final class CentroidsExport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CentroidsExport() {}

    /** @return vectors per modality that went into the means */
    public static Map<String, Long> write(Path file, String bootstrapServers, String registryUrl, String topic,
            String modelVersion, int epoch) throws IOException {
        Map<String, double[]> sums = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
             ConfluentAvroDeserializer<EmbeddingEvent> values = new ConfluentAvroDeserializer<>(EmbeddingEvent.class,
                     registryUrl)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() == null || r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    EmbeddingEvent e = values.deserialize(r.topic(), r.value());
                    BenchmarkMarker b = e.getBenchmark();
                    if (b == null || b.getRole() != BenchmarkRole.CANDIDATE || b.getEpoch() != epoch
                            || !modelVersion.equals(e.getModelVersion()) || !seen.add(e.getContentId())) {
                        continue;
                    }
                    List<Float> v = e.getVector();
                    double[] sum = sums.computeIfAbsent(e.getModality().name(), k -> new double[v.size()]);
                    if (sum.length != v.size()) {
                        throw new IllegalStateException("vectors of " + modelVersion + " have dimensions " + sum.length
                                + " and " + v.size());
                    }
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += v.get(i);
                    }
                    counts.merge(e.getModality().name(), 1L, Long::sum);
                }
            }
        }
        if (sums.isEmpty()) {
            throw new IllegalStateException("no candidate vectors of model version " + modelVersion + " in epoch "
                    + epoch + " on " + topic);
        }
        ObjectNode out = JSON.createObjectNode();
        sums.forEach((modality, sum) -> {
            ArrayNode a = out.putArray(modality);
            long n = counts.get(modality);
            for (double x : sum) {
                a.add((float) (x / n));
            }
        });
        out.put("model_version", modelVersion);
        out.put("epoch", epoch);
        ObjectNode c = out.putObject("counts");
        counts.forEach(c::put);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, JSON.writeValueAsString(out) + System.lineSeparator());
        return counts;
    }
}
