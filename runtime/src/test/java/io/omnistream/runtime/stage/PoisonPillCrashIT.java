package io.omnistream.runtime.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.omnistream.kafka.broker.EmbeddedKafka;
import io.omnistream.runtime.process.ChildProcess;
import io.omnistream.schemas.avro.FailedEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison-pill containment across real crashes, on a real broker: a stage runs in a JVM of its own
 * ({@link CrashableStageMain}); a record that hangs its processing gets the process killed with -9, over and over, as a
 * record that crashes its process would. After {@code errors.max.attempts} (3) crashes on that record alone, the next
 * process dead-letters it with stage {@code poison} and moves on; every other record reaches the output exactly once,
 * including the innocent records that were in the poison pill's first batch.
 */
class PoisonPillCrashIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
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
    void aRecordThatCrashesItsProcessIsDeadLetteredAfterMaxAttemptsAndTheStreamMovesOn() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String in = "crash-in-" + run;
        String out = "crash-out-" + run;
        String dlq = "crash-dlq-" + run;
        String group = "crash-it-" + run;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(in, 1, (short) 1), new NewTopic(out, 1, (short) 1),
                    new NewTopic(dlq, 1, (short) 1))).all().get();
        }
        List<String> good = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < 10; i++) {
                String value = i == 5 ? CrashableStageMain.POISON : "good-" + i;
                if (i != 5) {
                    good.add(value);
                }
                producer.send(new ProducerRecord<>(in, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8))).get();
            }
        }

        int crashes = 0;

        ChildProcess survivor = null;
        for (int start = 1; start <= 6 && survivor == null; start++) {
            Path log = dir.resolve("stage-" + start + ".log");
            ChildProcess stage = ChildProcess.start("crash-it-stage-" + start, command(group, in, out, dlq), log,
                    Duration.ofSeconds(5));
            // this process either hangs on the poison pill (and is killed) or dead-letters it and goes on
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .failFast("the stage JVM exited on its own", () -> assertThat(stage.isRunning()).as(stage.tail()).isTrue())
                    .until(() -> Files.readString(log).contains("processing-poison") || !readAll(dlq).isEmpty());
            if (Files.readString(log).contains("processing-poison")) {
                stage.kill();
                crashes++;
                System.out.printf("[poison-it] start %d: hung on %s; kill -9%n", start,
                        Files.readString(log).lines().filter(l -> l.startsWith("processing-poison")).findFirst().orElseThrow());
            } else {
                survivor = stage;
            }
        }
        assertThat(survivor).as("a process that got past the poison pill").isNotNull();
        try {
            // the first crash may have been of a larger batch; the three after it are of the poison pill alone
            assertThat(crashes).isBetween(3, 4);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> readAll(out).size() >= good.size());
            List<FailedEvent> deadLetters = readAll(dlq).stream().map(r -> decode(r.value())).toList();
            assertThat(deadLetters).singleElement().satisfies(f -> {
                assertThat(f.getStage()).isEqualTo(KafkaStage.POISON_STAGE);
                assertThat(f.getOriginalOffset()).isEqualTo(5L);
                assertThat(f.getAttempt()).isEqualTo(3);
                assertThat(StandardCharsets.UTF_8.decode(f.getOriginalValue()).toString()).isEqualTo(CrashableStageMain.POISON);
            });
            assertThat(readAll(out)).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(good);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> committed(group, in) != null
                    && committed(group, in).offset() == 10);
            assertThat(committed(group, in).metadata()).as("past the crashed range: a plain commit").isEmpty();
            System.out.printf("[poison-it] %d crashes, then dead-lettered: %s%n", crashes, deadLetters.get(0).getReason());
        } finally {
            survivor.kill();
        }
    }

    private static ProcessBuilder command(String group, String in, String out, String dlq) {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), CrashableStageMain.class.getName(),
                kafka.bootstrapServers(), group, in, out, dlq);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Every committed record of {@code topic} (single partition), in order. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (c.position(tp) < end) {
                c.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static OffsetAndMetadata committed(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0));
        }
    }

    private static FailedEvent decode(byte[] value) {
        try {
            return FailedEvent.fromByteBuffer(ByteBuffer.wrap(value));
        } catch (java.io.IOException e) {
            throw new AssertionError("not a FailedEvent", e);
        }
    }
}
