package io.omnistream.milvus.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.omnistream.kafka.broker.EmbeddedKafka;
import io.omnistream.milvus.collection.CollectionManager;
import io.omnistream.milvus.collection.IndexSettings;
import io.omnistream.milvus.config.MilvusConnection;
import io.omnistream.milvus.config.MilvusSinkConfig;
import io.omnistream.milvus.lite.MilvusLiteInstaller;
import io.omnistream.milvus.lite.MilvusLiteServer;
import io.omnistream.milvus.search.VectorSearcher;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Milvus outage (longer than the old retry budget) against a real Milvus Lite server and a real broker: the sink
 * pauses and waits, nothing reaches the dead-letter topic and nothing is committed past what Milvus took, and after
 * the server comes back (same data directory, same port) every row lands and every offset is committed.
 */
class MilvusSinkOutageIT {
    private static final String MODEL_VERSION = "outage-it-v1";
    private static final String REGISTRY = "mock://milvus-sink-outage-it";
    private static final int DIM = 8;
    /** How long the sink kept retrying before it dead-lettered a batch, before the stage runtime (8 attempts). */
    private static final int OLD_RETRY_BUDGET_SECONDS = 13;
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aMilvusOutagePausesTheSinkAndEveryRowLandsAfterwardsWithNothingDeadLettered() throws Exception {
        int port = freePort();
        MilvusLiteServer milvus = server(port).start();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "embeddings.outage-it-" + run + ".v1";
        String dlqTopic = "dlq.outage-it-" + run;
        String group = "outage-it-" + run;
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1), new NewTopic(dlqTopic, 1, (short) 1))).all().get();
        }
        MilvusSinkConfig config = MilvusSinkConfig.from(ConfigSource.of(Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(), "schema.registry.url", REGISTRY, "sink.topic", topic,
                "sink.dlq.topic", dlqTopic, "sink.group.id", group,
                "milvus.uri", milvus.uri(), "milvus.request.timeout", "3s", "sink.batch.max-wait", "10ms",
                "sink.errors.retry.delay.max", "500ms")));
        PrometheusRegistry registry = new PrometheusRegistry();
        MilvusSink sink = new MilvusSink(config, registry);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
        MilvusClientV2 reader = null;
        try {
            sink.start();
            for (int i = 0; i < 5; i++) {
                producer.send(record(topic, i)).get();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> committed(group, topic) == 5);

            milvus.close();
            for (int i = 5; i < 10; i++) {
                producer.send(record(topic, i)).get();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> scrape(registry)
                    .contains("omnistream_sink_paused{topic=\"" + topic + "\"} 1.0"));
            assertThat(committed(group, topic)).isEqualTo(5);
            assertThat(endOffset(dlqTopic)).isZero();
            assertThat(sink.isRunning()).isTrue();
            // longer than the old retry budget (8 attempts, ~13 s), after which the old sink dead-lettered the batch
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> outageSeconds(registry, topic) >= OLD_RETRY_BUDGET_SECONDS + 2);
            assertThat(endOffset(dlqTopic)).isZero();
            assertThat(committed(group, topic)).isEqualTo(5);

            milvus = server(port).start();
            await().atMost(Duration.ofSeconds(120)).until(() -> committed(group, topic) == 10);
            assertThat(endOffset(dlqTopic)).as("nothing dead-lettered because Milvus was down").isZero();
            assertThat(scrape(registry)).contains("omnistream_sink_paused{topic=\"" + topic + "\"} 0.0");

            reader = MilvusConnection.of(milvus.uri()).open();
            VectorSearcher searcher = new VectorSearcher(reader, new CollectionManager(reader, IndexSettings.DEFAULT), 64,
                    ConsistencyLevel.STRONG);
            assertThat(searcher.countRows(MODEL_VERSION)).isEqualTo(10);
        } finally {
            sink.close(Duration.ofSeconds(30));
            producer.close();
            if (reader != null) {
                reader.close();
            }
            milvus.close();
        }
        assertThat(sink.failure()).isEmpty();
    }

    private MilvusLiteServer server(int port) {
        String venv = System.getProperty("omnistream.milvus-lite.venv");
        return MilvusLiteServer.builder(dir.resolve("data"))
                .venvDir(venv == null ? MilvusLiteInstaller.defaultVenvDir() : Path.of(venv))
                .port(port)
                .logFile(dir.resolve("milvus-lite.log"))
                .stopGrace(Duration.ofSeconds(10))
                .build();
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    /** The group's committed offset of partition 0, or -1. */
    private static long committed(String group, String topic) throws ExecutionException, InterruptedException {
        try (Admin admin = admin()) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0));
            return o == null ? -1 : o.offset();
        }
    }

    /** Records ever written to partition 0 of {@code topic}. */
    private static long endOffset(String topic) throws ExecutionException, InterruptedException {
        try (Admin admin = admin()) {
            TopicPartition tp = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).partitionResult(tp)
                    .get().offset();
        }
    }

    /** The sink's omnistream_sink_outage_seconds for the topic. */
    private static double outageSeconds(PrometheusRegistry registry, String topic) throws IOException {
        String prefix = "omnistream_sink_outage_seconds{topic=\"" + topic + "\"} ";
        return scrape(registry).lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()).trim())).findFirst().orElse(0);
    }

    private static String scrape(PrometheusRegistry registry) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        new io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter(false).write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int i) {
        List<Float> vector = new ArrayList<>();
        for (int d = 0; d < DIM; d++) {
            vector.add(d == i % DIM ? 1f : 0f);
        }
        String id = "outage-" + i;
        EmbeddingEvent e = EmbeddingEvent.newBuilder().setContentId(id).setModelId("outage-it")
                .setModelVersion(MODEL_VERSION).setModality(Modality.TEXT).setVector(vector).setDimension(DIM)
                .setSourceEventTimeMs(1L).setEmbeddedAtMs(2L).build();
        byte[] value = new ConfluentAvroSerializer<>(EmbeddingEvent.class, REGISTRY).serialize(topic, e);
        return new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), value);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
