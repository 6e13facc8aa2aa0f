package io.omnistream.encoder.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.encoder.cascade.EncodingChain;
import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.kafka.broker.EmbeddedKafka;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.avro.BenchmarkMarker;
import io.omnistream.schemas.avro.BenchmarkRole;
import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import io.omnistream.schemas.tenant.Tenants;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.junit.jupiter.api.Test;

/**
 * What a shadow worker group relies on, through a real broker and BGE-small: an event whose content hash equals the
 * last one embedded for its key is not embedded again; a tombstone makes the worker forget the id; benchmark events
 * older than {@code encoder.benchmark.skip-before-ms} are skipped, newer ones embedded.
 */
class UnchangedContentWorkerIT {
    private static final String TENANT = "acme";

    @Test
    void unchangedContentIsEmbeddedOnceAndBenchmarkHistoryIsSkipped() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String run = UUID.randomUUID().toString().substring(0, 8);
            String input = "it-unchanged-" + run + ".media";
            long skipBefore = System.currentTimeMillis();
            EncoderWorkerConfig config = new EncoderWorkerConfig(ConfigSource.of(Map.of(
                    "kafka.bootstrap.servers", kafka.bootstrapServers(),
                    "schema.registry.url", "mock://it-unchanged-" + run,
                    "encoder.input.topic", input,
                    "encoder.dlq.topic", input + ".dlq",
                    "encoder.group.id", "it-unchanged-" + run,
                    "encoder.benchmark.skip-before-ms", Long.toString(skipBefore))));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(input, 1, (short) 1), new NewTopic(input + ".dlq", 1, (short) 1),
                        new NewTopic(config.outputTopic(), 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            // one partition, so the worker sees them in this order
            List<ProducerRecord<String, MediaEvent>> inputs = List.of(
                    text("a", "Vitamin D deficiency raises the risk of tuberculosis.", "h1", null, skipBefore),
                    text("a", "Vitamin D deficiency raises the risk of tuberculosis.", "h1", null, skipBefore),
                    text("a", "Vitamin D deficiency lowers the risk of tuberculosis.", "h2", null, skipBefore),
                    text("old-bench", "a claim of an earlier replay epoch", "h3", 0, skipBefore - 1),
                    text("new-bench", "a claim of the next replay epoch", "h4", 1, skipBefore + 1),
                    new ProducerRecord<>(input, Tenants.recordKey(TENANT, "a"), null),
                    text("a", "Vitamin D deficiency lowers the risk of tuberculosis.", "h2", null, skipBefore),
                    text("last", "the last event of the test", "h5", null, skipBefore));

            TextEncoder text = TextEncoder.load(config.modelSpec(), config.encoderSettings(),
                    new ProviderMetrics(new PrometheusRegistry()));
            try (text; EncoderWorker worker = new EncoderWorker(config, EncodingChain.textOnly(text),
                    new WorkerMetrics(new PrometheusRegistry()))) {
                // everything up to the tombstone is on the topic before the worker starts, so its first poll holds an
                // embedded copy of "a" and the delete of "a" in one batch; the same content of "a" comes after that
                // batch is out: it must be embedded again, not taken for unchanged
                produce(kafka, config.schemaRegistryUrl(), input, inputs.subList(0, 6));
                worker.start();
                Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                        .until(() -> read(kafka, config.schemaRegistryUrl(), config.outputTopic()).contains("a:tombstone"));
                produce(kafka, config.schemaRegistryUrl(), input, inputs.subList(6, inputs.size()));
                List<String> out = new ArrayList<>();
                Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    out.clear();
                    out.addAll(read(kafka, config.schemaRegistryUrl(), config.outputTopic()));
                    return out.contains("last:embedded");
                });
                assertThat(out).containsExactly("a:embedded", "a:embedded", "new-bench:embedded", "a:tombstone",
                        "a:embedded", "last:embedded");
            }
        }
    }

    private static ProducerRecord<String, MediaEvent> text(String id, String text, String hash, Integer epoch,
                                                           long eventTimeMs) {
        boolean bench = epoch != null;
        String tenant = bench ? Tenants.BENCHMARK : TENANT;
        MediaEvent e = MediaEvent.newBuilder().setContentId(id).setTenant(tenant).setModality(Modality.TEXT)
                .setText(text).setSource("it").setEventTimeMs(eventTimeMs).setContentHash(hash)
                .setBenchmark(bench ? BenchmarkMarker.newBuilder().setTaskId("it").setRole(BenchmarkRole.CANDIDATE)
                        .setItemId(id).setEpoch(epoch).build() : null)
                .build();
        return new ProducerRecord<>("", Tenants.recordKey(tenant, id), e);
    }

    private static void produce(EmbeddedKafka kafka, String registry, String topic,
                                List<ProducerRecord<String, MediaEvent>> records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
             ConfluentAvroSerializer<MediaEvent> values = new ConfluentAvroSerializer<>(MediaEvent.class, registry)) {
            for (ProducerRecord<String, MediaEvent> r : records) {
                byte[] value = r.value() == null ? null : values.serialize(topic, r.value());
                producer.send(new ProducerRecord<>(topic, r.key(), value)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The output topic in order, as "contentId:embedded" or "contentId:tombstone". */
    private static List<String> read(EmbeddedKafka kafka, String registry, String topic) {
        List<String> out = new ArrayList<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-unchanged-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
             ConfluentAvroDeserializer<EmbeddingEvent> values = new ConfluentAvroDeserializer<>(EmbeddingEvent.class, registry)) {
            consumer.subscribe(List.of(topic));
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(2))) {
                out.add(r.value() == null ? idOf(r.key()) + ":tombstone"
                        : values.deserialize(topic, r.value()).getContentId() + ":embedded");
            }
        }
        return out;
    }

    /** The content id of a record key (Tenants.recordKey: tenant, separator, id). */
    private static String idOf(String recordKey) {
        String prefix = Tenants.recordKey(TENANT, "");
        return recordKey.startsWith(prefix) ? recordKey.substring(prefix.length()) : recordKey;
    }
}
