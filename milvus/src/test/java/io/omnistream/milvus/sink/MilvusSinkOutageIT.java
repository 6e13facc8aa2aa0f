package io.omnistream.milvus.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
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
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Milvus outage (longer than the old retry budget) against a real Milvus Lite server: the sink pauses and waits,
 * nothing reaches the dead-letter topic,
 * and after the server comes back (same data directory, same port) every row lands and every offset is committed.
 * Kafka is Kafka's own MockConsumer/MockProducer: the outage is Milvus's, not the broker's.
 */
class MilvusSinkOutageIT {
    private static final String TOPIC = "embeddings.outage-it.v1";
    private static final String MODEL_VERSION = "outage-it-v1";
    private static final String REGISTRY = "mock://milvus-sink-outage-it";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int DIM = 8;
    /** How long the sink kept retrying before it dead-lettered a batch, before the stage runtime (8 attempts). */
    private static final int OLD_RETRY_BUDGET_SECONDS = 13;

    @TempDir
    Path dir;

    /** MockConsumer whose poll blocks briefly when it has nothing, as a real poll does, instead of spinning. */
    static final class IdlingConsumer extends MockConsumer<byte[], byte[]> {
        IdlingConsumer() {
            super("earliest");
        }

        @Override
        public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                try {
                    Thread.sleep(Math.min(timeout.toMillis(), 20));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return records;
        }
    }

    @Test
    void aMilvusOutagePausesTheSinkAndEveryRowLandsAfterwardsWithNothingDeadLettered() throws Exception {
        int port = freePort();
        MilvusLiteServer milvus = server(port).start();
        MilvusSinkConfig config = MilvusSinkConfig.from(ConfigSource.of(Map.of(
                "kafka.bootstrap.servers", "unused:9092", "schema.registry.url", REGISTRY, "sink.topic", TOPIC,
                "milvus.uri", milvus.uri(), "milvus.request.timeout", "3s", "sink.batch.max-wait", "10ms",
                "sink.errors.retry.delay.max", "500ms")));
        IdlingConsumer consumer = new IdlingConsumer();
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(TP)));
        MockProducer<byte[], byte[]> dlq = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        PrometheusRegistry registry = new PrometheusRegistry();
        MilvusSink sink = new MilvusSink(config, registry, consumer, dlq);
        MilvusClientV2 reader = null;
        try {
            sink.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> !consumer.assignment().isEmpty());
            for (int i = 0; i < 5; i++) {
                consumer.addRecord(record(i));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> committed(consumer) == 5);

            milvus.close();
            for (int i = 5; i < 10; i++) {
                consumer.addRecord(record(i));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> consumer.paused().contains(TP));
            assertThat(scrape(registry)).contains("omnistream_sink_paused{topic=\"" + TOPIC + "\"} 1.0");
            assertThat(committed(consumer)).isEqualTo(5);
            assertThat(dlq.history()).isEmpty();
            assertThat(sink.isRunning()).isTrue();
            // longer than the old retry budget (8 attempts, ~13 s), after which the old sink dead-lettered the batch
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> outageSeconds(registry) >= OLD_RETRY_BUDGET_SECONDS + 2);
            assertThat(dlq.history()).isEmpty();
            assertThat(committed(consumer)).isEqualTo(5);

            milvus = server(port).start();
            await().atMost(Duration.ofSeconds(120)).until(() -> committed(consumer) == 10);
            assertThat(consumer.paused()).isEmpty();
            assertThat(dlq.history()).as("nothing dead-lettered because Milvus was down").isEmpty();
            assertThat(scrape(registry)).contains("omnistream_sink_paused{topic=\"" + TOPIC + "\"} 0.0");

            reader = MilvusConnection.of(milvus.uri()).open();
            VectorSearcher searcher = new VectorSearcher(reader, new CollectionManager(reader, IndexSettings.DEFAULT), 64,
                    ConsistencyLevel.STRONG);
            assertThat(searcher.countRows(MODEL_VERSION)).isEqualTo(10);
        } finally {
            sink.close(Duration.ofSeconds(30));
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

    private static long committed(MockConsumer<byte[], byte[]> consumer) {
        OffsetAndMetadata o = consumer.committed(Set.of(TP)).get(TP);
        return o == null ? -1 : o.offset();
    }

    /** The sink's omnistream_sink_outage_seconds for the topic. */
    private static double outageSeconds(PrometheusRegistry registry) throws IOException {
        String prefix = "omnistream_sink_outage_seconds{topic=\"" + TOPIC + "\"} ";
        return scrape(registry).lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()).trim())).findFirst().orElse(0);
    }

    private static String scrape(PrometheusRegistry registry) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        new io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter(false).write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<byte[], byte[]> record(int i) {
        List<Float> vector = new ArrayList<>();
        for (int d = 0; d < DIM; d++) {
            vector.add(d == i % DIM ? 1f : 0f);
        }
        String id = "outage-" + i;
        EmbeddingEvent e = EmbeddingEvent.newBuilder().setContentId(id).setModelId("outage-it")
                .setModelVersion(MODEL_VERSION).setModality(Modality.TEXT).setVector(vector).setDimension(DIM)
                .setSourceEventTimeMs(1L).setEmbeddedAtMs(2L).build();
        byte[] value = new ConfluentAvroSerializer<>(EmbeddingEvent.class, REGISTRY).serialize(TOPIC, e);
        return new ConsumerRecord<>(TOPIC, 0, i, id.getBytes(StandardCharsets.UTF_8), value);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
