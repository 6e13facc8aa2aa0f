package io.omnistream.encoder.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.encoder.cascade.Cascades;
import io.omnistream.encoder.cascade.EncodingChain;
import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.kafka.broker.EmbeddedKafka;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The speech recogniser's process killed with SIGKILL while the worker is in the middle of its batches: real FSDD
 * recordings through a real broker and a worker serving {@code bge-small-en-v1.5-cascade-ppocr-whisper} (Whisper tiny.en in its
 * managed Python process). The kill fails the batch being recognised with a transient error; the worker retries it on
 * a restarted recogniser, so every recording comes out as exactly one embedding and none is dead-lettered.
 */
class RecognizerCrashWorkerIT {
    private static final Path SHARED = Path.of(System.getProperty("omnistream.shared.dir", "../../shared"));
    /**
     * Six batches of two: Whisper takes 1-3 s per recording on 2 cores, so when the first batch is out the kill
     * lands with five batches still to come.
     */
    private static final int RECORDINGS = 12;

    @Test
    void killingWhisperMidBatchLosesNothingAndDuplicatesNothing() throws Exception {
        Assumptions.assumeTrue(onPath("ffmpeg"), "ffmpeg not installed (scripts/install-media-tools.sh)");
        Path fsdd = SHARED.resolve("data/fsdd/recordings");
        Assumptions.assumeTrue(Files.isDirectory(fsdd), "FSDD recordings not found in " + fsdd);

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String id = UUID.randomUUID().toString().substring(0, 8);
            String input = "it-asr-crash-" + id + ".media";
            String dlq = "it-asr-crash-" + id + ".dlq";
            Path whisperLog = Files.createTempFile("it-asr-crash-whisper", ".log");
            EncoderWorkerConfig config = new EncoderWorkerConfig(ConfigSource.of(Map.of(
                    "encoder.asr.whisper.log-file", whisperLog.toString(),
                    "kafka.bootstrap.servers", kafka.bootstrapServers(),
                    "schema.registry.url", "mock://it-asr-crash-" + id,
                    "encoder.model", "bge-small-en-v1.5-cascade-ppocr-whisper",
                    "encoder.input.topic", input,
                    "encoder.dlq.topic", dlq,
                    "encoder.group.id", "it-asr-crash-" + id,
                    "encoder.batch.max-size", "2")));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(input, 1, (short) 1), new NewTopic(dlq, 1, (short) 1),
                        new NewTopic(config.outputTopic(), 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            List<MediaEvent> events = new ArrayList<>();
            for (int i = 0; i < RECORDINGS; i++) {
                String speaker = List.of("jackson", "theo", "george").get(i / 10);
                String name = (i % 10) + "_" + speaker + "_0.wav";
                events.add(MediaEvent.newBuilder().setContentId("it-asr-crash:" + name).setModality(Modality.AUDIO)
                        .setPayload(ByteBuffer.wrap(Files.readAllBytes(fsdd.resolve(name)))).setSource("it")
                        .setEventTimeMs(System.currentTimeMillis()).build());
            }

            TextEncoder text = TextEncoder.load(config.modelSpec(), config.encoderSettings(),
                    new ProviderMetrics(new PrometheusRegistry()));
            try (text; EncodingChain chain = Cascades.chain(config.modelSpec(), text, config.encoderSettings(),
                         new ProviderMetrics(new PrometheusRegistry()), config.whisper());
                 EncoderWorker worker = new EncoderWorker(config, chain, new WorkerMetrics(new PrometheusRegistry()))) {
                worker.start();
                produce(kafka, config.schemaRegistryUrl(), input, events);

                // the first batch is out: the worker is now recognising the next one, in the recogniser's process
                Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(100))
                        .until(() -> countByKey(kafka, config.outputTopic(), Duration.ofMillis(200)).size() >= 1);
                ProcessHandle server = whisperServer().orElseThrow(() -> new AssertionError(
                        "no Whisper server process under this JVM"));
                int embeddedBeforeKill = countByKey(kafka, config.outputTopic(), Duration.ofMillis(200)).size();
                server.destroyForcibly();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !server.isAlive());
                assertThat(embeddedBeforeKill).as("killed before the last batch").isLessThan(RECORDINGS);

                Awaitility.await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> countByKey(kafka, config.outputTopic(), Duration.ofMillis(500)).size() >= RECORDINGS);
                Map<String, Integer> embedded = countByKey(kafka, config.outputTopic(), Duration.ofSeconds(2));
                assertThat(embedded).hasSize(RECORDINGS);
                assertThat(embedded.values()).as("embeddings per recording").containsOnly(1);
                assertThat(countByKey(kafka, dlq, Duration.ofSeconds(1))).as("dead letters").isEmpty();
                ProcessHandle restarted = whisperServer().orElseThrow(() -> new AssertionError("recogniser not restarted"));
                assertThat(restarted.pid()).isNotEqualTo(server.pid());
                // the recordings of a batch went to Whisper in one request (Recognitions), not one request per event
                assertThat(Files.readString(whisperLog)).contains("transcribing 2 item(s)");
            }
        }
    }

    /** The Whisper server this JVM runs (a descendant running the omnistream-whisper-server*.py script). */
    private static Optional<ProcessHandle> whisperServer() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.isAlive() && p.info().commandLine().orElse("").contains("omnistream-whisper-server"))
                .findFirst();
    }

    private static void produce(EmbeddedKafka kafka, String registry, String topic, List<MediaEvent> events)
            throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
             ConfluentAvroSerializer<MediaEvent> values = new ConfluentAvroSerializer<>(MediaEvent.class, registry)) {
            for (MediaEvent e : events) {
                producer.send(new ProducerRecord<>(topic, e.getContentId(), values.serialize(topic, e))).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Records on {@code topic} per key, read from the beginning for {@code window}. */
    private static Map<String, Integer> countByKey(EmbeddedKafka kafka, String topic, Duration window) {
        Map<String, Integer> counts = new HashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-asr-crash-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + window.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.value() != null) {
                        counts.merge(r.key(), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }

    private static boolean onPath(String binary) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, binary))) {
                return true;
            }
        }
        return false;
    }
}
