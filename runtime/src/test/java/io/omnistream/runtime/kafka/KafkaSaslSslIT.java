package io.omnistream.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.omnistream.kafka.broker.EmbeddedKafka;
import io.omnistream.runtime.config.ConfigSource;
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
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared client properties against a real broker with a SASL_SSL (SCRAM-SHA-512) listener: the right credentials
 * round-trip a record through TLS; a wrong password, a client that does not trust the broker's certificate and a
 * PLAINTEXT client are all refused.
 */
class KafkaSaslSslIT {
    private static final String USER = "omnistream-it";
    private static final String PASSWORD = "right-Password.1";
    private static EmbeddedKafka kafka;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.startSaslSsl(Map.of(USER, PASSWORD));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theRightCredentialsRoundTripARecordOverSaslSsl() throws Exception {
        assertThat(kafka.securityProtocol()).isEqualTo("SASL_SSL");
        Path passwordFile = Files.writeString(dir.resolve("kafka-password"), PASSWORD + "\n");
        Map<String, Object> client = KafkaOptions.clientProperties(ConfigSource.of(Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.username", USER,
                "kafka.sasl.password-file", passwordFile.toString(),
                "kafka.ssl.truststore.location", kafka.truststorePem().orElseThrow().toString())));
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic("secure.topic", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        Map<String, Object> producerProps = new HashMap<>(client);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>("secure.topic", "k", "over tls")).get(60, TimeUnit.SECONDS);
        }
        Map<String, Object> consumerProps = new HashMap<>(client);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "secure-it");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("secure.topic"));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return !read.isEmpty();
            });
        }
        assertThat(read).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("k");
            assertThat(r.value()).isEqualTo("over tls");
        });
    }

    @Test
    void aWrongPasswordIsRefusedWithASaslAuthenticationError() {
        Map<String, Object> client = KafkaOptions.clientProperties(ConfigSource.of(Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.username", USER,
                "kafka.sasl.password", "wrong-password",
                "kafka.ssl.truststore.location", kafka.truststorePem().orElseThrow().toString())));
        try (Admin admin = Admin.create(client)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("SCRAM-SHA-512");
        }
    }

    @Test
    void aClientThatDoesNotTrustTheBrokersCertificateIsRefused() {
        // no truststore: the JVM's default CAs, which did not sign the broker's self-signed certificate
        Map<String, Object> client = KafkaOptions.clientProperties(ConfigSource.of(Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.username", USER,
                "kafka.sasl.password", PASSWORD)));
        try (Admin admin = Admin.create(client)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SslAuthenticationException.class);
        }
    }

    @Test
    void aPlaintextClientOnTheSaslSslPortGetsNothing() {
        Map<String, Object> client = new HashMap<>(KafkaOptions.clientProperties(ConfigSource.of(Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers()))));
        assertThat(client).containsEntry("security.protocol", "PLAINTEXT");
        client.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        client.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(client)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TimeoutException.class);
        }
    }
}
