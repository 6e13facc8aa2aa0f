package io.omnistream.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The broker is a real one: topics, a produced record read back by a consumer group; its temporary data removed on close. */
class EmbeddedKafkaIT {
    @Test
    void producesConsumesAndCleansUp() throws Exception {
        Path dataDir;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String bootstrap = kafka.bootstrapServers();
            assertThat(bootstrap).startsWith("127.0.0.1:");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("it.topic", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("it.topic");
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("it.topic", "k", "v")).get(30, TimeUnit.SECONDS);
            }
            List<ConsumerRecord<String, String>> read = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "it",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("it.topic"));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (read.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500)).forEach(read::add);
                }
            }
            assertThat(read).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo("k");
                assertThat(r.value()).isEqualTo("v");
            });
            dataDir = kafka.logDir();
            assertThat(Files.isDirectory(dataDir)).isTrue();
        }
        assertThat(Files.exists(dataDir)).as("temporary data removed on close").isFalse();
    }

    @Test
    void givenDirectoryIsKeptAndARestartOnItComesBackOnTheSameAddressWithTheData() throws Exception {
        Path dir = Files.createTempDirectory("embedded-kafka-it");
        String address;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, false)) {
            address = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address))) {
                admin.createTopics(List.of(new NewTopic("kept.topic", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(Files.list(dir).toList()).as("the caller's data").isNotEmpty();
        try (EmbeddedKafka again = EmbeddedKafka.start(dir, false);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address))) {
            assertThat(again.bootstrapServers()).isEqualTo(address);
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("kept.topic");
        }
        EmbeddedKafka.deleteRecursively(dir);
        assertThat(Files.exists(dir)).isFalse();
    }
}
