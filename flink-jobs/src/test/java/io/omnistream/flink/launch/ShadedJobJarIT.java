package io.omnistream.flink.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.omnistream.flink.bias.job.ModalityBiasJob;
import io.omnistream.flink.quality.job.RetrievalQualityJob;
import io.omnistream.kafka.broker.EmbeddedKafka;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
 * The shaded job jar (what the Flink image runs from /opt/flink/usrlib) starts each job through its {@code main}
 * against a real broker, with nothing of this module on the classpath but that jar.
 *
 * <p>Each job runs in its own JVM: {@code java -cp <job jar>:<Flink's lib>} where "Flink's lib" is the test
 * classpath's Flink runtime, Flink's bundled libraries and the logging jars, i.e. exactly what the shade plugin
 * leaves out of the job jar (the same list as its {@code artifactSet} excludes). A class the job needs that is in
 * neither fails the job here as it would on a cluster. {@code main} runs the job on a local MiniCluster
 * ({@code getExecutionEnvironment} outside a cluster).
 *
 * <p>Proof of a running, consuming job: three tombstones are on the job's embedding topic before it starts; the
 * reader skips tombstones, and the job commits its source offsets only when a checkpoint completes, which needs every
 * task RUNNING. So offset 3 committed by the job's group means: sources, operators and sinks deployed, the records
 * consumed, a checkpoint taken. No Avro input is produced because a child process cannot share a {@code mock://}
 * registry with this JVM, and no registry server is available here.
 */
class ShadedJobJarIT {
    private static final Path JOB_JAR = Path.of("target/usrlib/omnistream-flink-jobs.jar");
    private static final int TOMBSTONES = 3;
    private static final Duration STARTUP_LIMIT = Duration.ofSeconds(90);
    /** Jar file names of what /opt/flink/lib provides; mirrors the shade plugin's artifactSet excludes. */
    private static final Pattern FLINK_LIB = Pattern.compile("(flink-(?!connector-kafka|connector-base"
            + "|sql-avro-confluent-registry|test-utils).*|kryo-.*|reflectasm-.*|minlog-.*|objenesis-.*|javassist-.*"
            + "|async-profiler-.*|commons-cli-.*|snakeyaml-engine-.*|jsr305-.*|slf4j-.*|log4j-.*)\\.jar");

    private static EmbeddedKafka kafka;
    private static Admin admin;

    @BeforeAll
    static void startBroker() throws Exception {
        assertThat(JOB_JAR).as("the job jar; built at package (mvn verify)").isRegularFile();
        kafka = EmbeddedKafka.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() throws IOException {
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void jobJarHoldsBothJobsButNotFlinksRuntime() throws IOException {
        try (var jar = new java.util.jar.JarFile(JOB_JAR.toFile())) {
            assertThat(jar.getEntry(RetrievalQualityJob.class.getName().replace('.', '/') + ".class")).isNotNull();
            assertThat(jar.getEntry(ModalityBiasJob.class.getName().replace('.', '/') + ".class")).isNotNull();
            assertThat(jar.getEntry("org/apache/flink/connector/kafka/source/KafkaSource.class")).isNotNull();
            assertThat(jar.getEntry("org/apache/flink/runtime/minicluster/MiniCluster.class")).isNull();
            assertThat(jar.getEntry("org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class"))
                    .isNull();
            assertThat(jar.getEntry("org/slf4j/Logger.class")).isNull();
            assertThat(jar.getEntry("org/apache/logging/log4j/Logger.class")).isNull();
        }
    }

    @Test
    void qualityJobConsumesFromTheBroker(@TempDir Path dir) throws Exception {
        String embeddings = "embeddings.shaded-it-quality.v1";
        createTopics(embeddings, "shaded-it-quality.judgments", "shaded-it-quality.dlq", "shaded-it-quality.metrics",
                "shaded-it-quality.rankings");
        runUntilCommitted(RetrievalQualityJob.class, dir, "shaded-it-quality", embeddings, List.of(
                "quality.embedding-topics=" + Pattern.quote(embeddings),
                "quality.judgments.topic=shaded-it-quality.judgments",
                "quality.dlq.topic=shaded-it-quality.dlq",
                "quality.metrics.topic=shaded-it-quality.metrics",
                "quality.rankings.topic=shaded-it-quality.rankings",
                "quality.group.id=shaded-it-quality",
                "quality.served.enabled=false",
                "quality.checkpoint.interval=1s",
                "quality.checkpoint.dir=" + dir.resolve("checkpoints").toUri(),
                "quality.restart.max-failures-per-interval=0"));
    }

    @Test
    void biasJobConsumesFromTheBroker(@TempDir Path dir) throws Exception {
        String embeddings = "embeddings.shaded-it-bias.v1";
        createTopics(embeddings, "shaded-it-bias.judgments", "shaded-it-bias.rankings", "shaded-it-bias.metrics",
                "shaded-it-bias.alerts");
        runUntilCommitted(ModalityBiasJob.class, dir, "shaded-it-bias", embeddings, List.of(
                "bias.embedding-topics=" + Pattern.quote(embeddings),
                "bias.judgments.topic=shaded-it-bias.judgments",
                "bias.rankings.topic=shaded-it-bias.rankings",
                "bias.metrics.topic=shaded-it-bias.metrics",
                "bias.alerts.topic=shaded-it-bias.alerts",
                "bias.group.id=shaded-it-bias",
                "bias.checkpoint.interval=1s",
                "bias.checkpoint.dir=" + dir.resolve("checkpoints").toUri(),
                "bias.restart.max-failures-per-interval=0"));
    }

    /**
     * Puts {@link #TOMBSTONES} tombstones on {@code embeddingTopic}, starts {@code main} from the job jar and waits
     * until {@code group} has committed them; the process is stopped in any case.
     */
    private void runUntilCommitted(Class<?> main, Path dir, String group, String embeddingTopic, List<String> settings)
            throws Exception {
        produceTombstones(embeddingTopic);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", JOB_JAR.toAbsolutePath() + File.pathSeparator + flinkLibClasspath(),
                main.getName(),
                "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
                // never contacted: tombstones are skipped before decoding and nothing is written
                "schema.registry.url=mock://" + group));
        command.addAll(settings);
        Path log = dir.resolve("job.log");
        Process job = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        TopicPartition partition = new TopicPartition(embeddingTopic, 0);
        try {
            await().atMost(STARTUP_LIMIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(job.isAlive()).as("%s exited; its output:%n%s", main.getSimpleName(), tail(log)).isTrue();
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                assertThat(committed.get(partition)).as("offset committed by %s on a checkpoint", group)
                        .isNotNull().extracting(OffsetAndMetadata::offset).isEqualTo((long) TOMBSTONES);
            });
        } finally {
            job.destroy();
            if (!job.waitFor(30, TimeUnit.SECONDS)) {
                job.destroyForcibly().waitFor();
            }
        }
    }

    /** The test classpath's entries that /opt/flink/lib would provide. */
    private static String flinkLibClasspath() {
        String lib = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> FLINK_LIB.matcher(Path.of(entry).getFileName().toString()).matches())
                .filter(entry -> !entry.endsWith("-tests.jar"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(lib).as("Flink runtime on the test classpath").contains("flink-runtime-", "flink-clients-");
        return lib;
    }

    private static void createTopics(String... names) throws Exception {
        admin.createTopics(Arrays.stream(names).map(n -> new NewTopic(n, 1, (short) 1)).toList())
                .all().get(30, TimeUnit.SECONDS);
    }

    private static void produceTombstones(String topic) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < TOMBSTONES; i++) {
                producer.send(new ProducerRecord<>(topic, ("item-" + i).getBytes(StandardCharsets.UTF_8), null))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
