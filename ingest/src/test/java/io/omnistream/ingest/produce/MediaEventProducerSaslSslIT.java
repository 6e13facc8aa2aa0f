package io.omnistream.ingest.produce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.omnistream.ingest.config.IngestConfig;
import io.omnistream.kafka.broker.EmbeddedKafka;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest service's producer, configured only through its config keys, publishes over SASL_SSL (SCRAM-SHA-512,
 * TLS with a PEM truststore) to a real broker; the event is read back by a consumer on the same settings. With a wrong
 * password the same producer is refused by the broker.
 */
class MediaEventProducerSaslSslIT {
    private static final String TOPIC = "media.sasl-it.v1";

    @TempDir
    Path dir;

    @Test
    void publishesOverSaslSslWithTheServiceConfigAndAWrongPasswordIsRefused() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startSaslSsl(Map.of("ingest", "ingest-Secret.7"))) {
            Path password = Files.writeString(dir.resolve("password"), "ingest-Secret.7\n");
            Map<String, String> secured = new HashMap<>(Map.of(
                    "kafka.bootstrap.servers", kafka.bootstrapServers(),
                    "kafka.security.protocol", "SASL_SSL",
                    "kafka.sasl.mechanism", "SCRAM-SHA-512",
                    "kafka.sasl.username", "ingest",
                    "kafka.sasl.password-file", password.toString(),
                    "kafka.ssl.truststore.location", kafka.truststorePem().orElseThrow().toString(),
                    "schema.registry.url", "mock://sasl-it",
                    "ingest.topic", TOPIC,
                    "ingest.produce.timeout", "20s"));
            IngestConfig config = IngestConfig.from(ConfigSource.of(secured));
            try (Admin admin = Admin.create(config.kafka().clientProperties())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }

            MediaEvent event = MediaEvent.newBuilder().setContentId("doc-1").setModality(Modality.TEXT)
                    .setText("sent over SASL_SSL").setEventTimeMs(1L).build();
            try (MediaEventProducer producer = new MediaEventProducer(config)) {
                producer.publish(event).get(60, TimeUnit.SECONDS);
                assertThat(producer.ready(Duration.ofSeconds(30))).isTrue();
            }

            Map<String, Object> consumerProps = new HashMap<>(config.kafka().clientProperties());
            consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "sasl-it");
            consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                    new ByteArrayDeserializer());
                 ConfluentAvroDeserializer<MediaEvent> values = new ConfluentAvroDeserializer<>(MediaEvent.class,
                         "mock://sasl-it")) {
                consumer.subscribe(List.of(TOPIC));
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                    return !read.isEmpty();
                });
                assertThat(read).singleElement().satisfies(r -> {
                    assertThat(r.key()).as("the record key: tenant and content id").isEqualTo("default:doc-1");
                    assertThat(values.deserialize(TOPIC, r.value()).getText()).isEqualTo("sent over SASL_SSL");
                });
            }

            Files.writeString(password, "not-the-password\n");
            IngestConfig wrong = IngestConfig.from(ConfigSource.of(secured));
            try (MediaEventProducer producer = new MediaEventProducer(wrong)) {
                ExecutionException refused = catchThrowableOfType(
                        () -> producer.publish(event).get(60, TimeUnit.SECONDS), ExecutionException.class);
                assertThat(refused).isNotNull();
                assertThat(refused.getCause()).isInstanceOf(SaslAuthenticationException.class);
            }
        }
    }
}
