package io.omnistream.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.service.ServiceRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Checks every packaged entrypoint must pass; the *IT classes add what is specific to their service. */
final class EntrypointChecks {
    private EntrypointChecks() {
    }

    /** {@code --help}: exit 0, usage on stdout naming every key of the service and of the runtime, and its variable. */
    static void helpListsEveryKey(String module, String mainClass, Path scratch, List<ConfigOption<?>> serviceOptions)
            throws InterruptedException {
        try (PackagedService help = PackagedService.start(module, mainClass, scratch, Map.of(), "--help")) {
            int status = help.awaitExit(Duration.ofSeconds(60));
            assertThat(status).as(help.output()).isZero();
            List<ConfigOption<?>> all = new ArrayList<>(serviceOptions);
            all.addAll(ServiceRuntime.options());
            assertThat(all).hasSizeGreaterThan(3);
            String usage = help.stdout();
            assertThat(usage).as(help.output()).startsWith("Usage: ");
            for (ConfigOption<?> option : all) {
                assertThat(usage).as("usage names %s", option.key()).contains(option.key() + "  (" + option.envVar() + ")");
            }
            assertThat(help.stderrLines()).as(help.output()).isEmpty();
        }
    }

    /** A configuration error: exit 1 and exactly one line on stderr that contains {@code expected}. */
    static void configurationErrorIsOneLine(String module, String mainClass, Path scratch, Map<String, String> env,
                                            String expected, String... args) throws InterruptedException {
        try (PackagedService bad = PackagedService.start(module, mainClass, scratch, env, args)) {
            int status = bad.awaitExit(Duration.ofSeconds(60));
            assertThat(status).as(bad.output()).isEqualTo(1);
            assertThat(bad.stderrLines()).as(bad.output()).singleElement().asString()
                    .contains("configuration error", expected);
        }
    }

    /** Polls until {@code url} answers 200; returns the seconds since the process started. */
    static double awaitOk(PackagedService service, String url, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(200))
                .failFast("the service exited", () -> assertThat(service.isAlive()).as(service.output()).isTrue())
                .untilAsserted(() -> assertThat(PackagedService.get(url).status())
                        .as("%s\n%s", url, service.output()).isEqualTo(200));
        return service.secondsSinceStart();
    }

    /** SIGTERM: the process must stop gracefully with status 0 and log that it stopped. */
    static double stopsCleanlyOnSigterm(PackagedService service, String command, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        int status = service.stopWithSigterm(timeout);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(status).as("exit status after SIGTERM\n%s", service.output()).isZero();
        assertThat(service.stdout()).contains(command + ": stopping (SIGTERM)", command + " stopped in");
        System.out.printf("[images] %s ran as %s%n", command, service.user());
        return seconds;
    }

    /** Members of a consumer group, as the broker sees them; empty while the group does not exist (yet). */
    static List<MemberDescription> groupMembers(String bootstrapServers, String group)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            return List.copyOf(d.members());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return List.of();
            }
            throw e;
        }
    }

    /** Produces a tombstone (key, null value): it needs no schema registry, so a test JVM can feed a service's own. */
    static void produceTombstone(String bootstrapServers, String topic, String key) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, null)).get();
        }
    }

    /** The records of {@code topic} (from the beginning), polling until {@code count} arrived or 30 s passed. */
    static List<ConsumerRecord<String, byte[]>> read(String bootstrapServers, String topic, int count) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "images-it-reader-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }

    /** Offsets the group committed, summed over the topic's partitions. */
    static long committed(String bootstrapServers, String group, String topic) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        }
    }

    static void report(String service, String what, double seconds) {
        System.out.printf("[images] %s: %s %.1f s%n", service, what, seconds);
    }
}
