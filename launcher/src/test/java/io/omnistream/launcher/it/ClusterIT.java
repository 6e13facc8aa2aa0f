package io.omnistream.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.kafka.broker.EmbeddedKafka;
import io.omnistream.launcher.cli.ReplayCommand;
import io.omnistream.launcher.cluster.ChildJvm;
import io.omnistream.launcher.cluster.ClusterBenchmark;
import io.omnistream.launcher.cluster.ProcessCluster;
import io.omnistream.launcher.demo.SciFactDemo;
import io.omnistream.launcher.demo.SciFactSubset;
import io.omnistream.launcher.stack.PipelineProbe;
import io.omnistream.replay.BenchmarkTask;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.Topics;
import io.omnistream.schemas.avro.MediaEvent;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ./omnistream cluster}'s layout ({@link ProcessCluster}: every part a process of its own, services from the
 * images' layouts, Flink session cluster with both jobs submitted over REST) under a worker crash.
 *
 * <p>What {@code SchemaRegistryIT} already covers against a bare registry (two JVMs agree on one id, a fresh subject
 * gets BACKWARD, 409 for an incompatible schema, name/version) is not repeated; here the writers are the pipeline's
 * own processes: the ingest service and this JVM's replayer write media events with one schema id, both encoder
 * workers write embeddings with one id, and the subject the ingest service created refuses a BACKWARD-incompatible
 * schema with 409. Then one of the two workers is killed with -9 while it has a backlog: the other takes both
 * partitions, every abstract lands in Milvus exactly once, and the Flink jobs on the session cluster go on scoring.
 *
 * <p>Last, a drift alert end to end: the surviving worker is replaced by one serving a new version of the same model
 * id (its registry entry adds a TEXT offset post-processing step, which lifts every cosine), two more epochs of the
 * benchmark are replayed, and the modality-bias job's KS test of the top-1 scores against the first epoch raises an
 * alert that the quality service shows on {@code /api/alerts}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    /** Abstracts loaded; small enough for 2 cores, large enough for a backlog when the worker dies. */
    private static final int ABSTRACTS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrintStream OUT = System.out;
    private static ProcessCluster cluster;
    private static Path zip;
    private static final String TASK = "scifact-subset-it";
    private static SciFactSubset subset;
    private static BenchmarkTask task;
    private static int passed;

    @BeforeAll
    static void startCluster() throws Exception {
        zip = SharedStack.sharedData().resolve("scifact/scifact.zip");
        subset = SciFactSubset.of(new SciFactCorpus(zip), ABSTRACTS);
        cluster = ProcessCluster.start(Path.of(".."), ConfigSource.load(null, Map.of(
                "cluster.encoder.workers", "2", "launcher.kafka.partitions", "2",
                "cluster.startup.timeout", "4m",
                // the subset has ~25 scored claims; the KS test of an epoch needs this many top-1 scores
                "bias.drift.ks.min-samples", "10")), OUT);
        task = ReplayCommand.beirTask(subset.writeBeir(cluster.runDir().resolve(TASK)));
        OUT.printf("[cluster-it] %d abstracts, %d scored claims%n", subset.documents().size(), task.queries().size());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            List<ProcessCluster.Part> parts = cluster.parts();
            cluster.close();
            for (ProcessCluster.Part p : parts) {
                assertThat(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false))
                        .as("%s (pid %d) after close()", p.component(), p.pid()).isFalse();
            }
            // the run directory (logs, broker and Milvus data) stays only when a test failed, for the logs
            if (passed == 4) {
                EmbeddedKafka.deleteRecursively(cluster.runDir());
            }
        }
    }

    @Test
    @Order(1)
    void workerKilledMidStreamLosesNothingAndDuplicatesNothing() throws Exception {
        List<ChildJvm> workers = cluster.encoderWorkers();
        assertThat(workers).hasSize(2);
        awaitMembers(2);
        SciFactDemo demo = new SciFactDemo(cluster, null, zip, OUT);
        CompletableFuture<SciFactDemo.Summary> load = CompletableFuture.supplyAsync(() -> {
            try {
                return demo.ingestAndWait(subset.documents(), Duration.ofMinutes(4));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<String> ids = subset.documents().stream().map(d -> SciFactDemo.ID_PREFIX + d.id()).toList();
        try (PipelineProbe probe = new PipelineProbe(cluster.bootstrapServers())) {
            // mid-stream: some abstracts already in Milvus, others still waiting to be encoded
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                    cluster.rowsPerContentId(ids).values().stream().anyMatch(n -> n > 0)
                            && probe.lag(cluster.encoderGroupId(), cluster.mediaTopic()) > 0);
        }
        ChildJvm victim = workers.get(0);
        OUT.printf("[cluster-it] kill -9 %s (pid %d)%n", victim.component(), victim.pid());
        victim.kill();
        assertThat(victim.isAlive()).isFalse();

        // the survivor is given both partitions (after the broker's session timeout for the dead member)
        awaitMembers(1);
        SciFactDemo.Summary loaded = load.get(5, TimeUnit.MINUTES);
        Map<String, Long> rows = cluster.rowsPerContentId(ids);
        assertThat(rows.values()).as("rows per abstract in Milvus").hasSize(ids.size()).containsOnly(1L);
        assertThat(loaded.distinctIds()).isEqualTo(ABSTRACTS);
        assertThat(loaded.dlq()).isZero();
        passed++;
    }

    @Test
    @Order(2)
    void flinkJobsKeepScoringOnTheSessionCluster() throws Exception {
        ClusterBenchmark.replay(cluster, task, 0, OUT);
        ClusterBenchmark.Scores scores = ClusterBenchmark.awaitScores(cluster, TASK, 0,
                task.queries().size(), Duration.ofMinutes(3), OUT);
        assertThat(scores.ndcgAt10()).isBetween(0.5, 1.0);
        assertThat(scores.byPath().get("served")).containsKey("ndcg@10");
        for (String job : cluster.jobIds().values()) {
            assertThat(cluster.flink().jobState(job)).as("job %s", job).isEqualTo("RUNNING");
        }
        passed++;
    }

    @Test
    @Order(3)
    void pipelineProcessesShareSchemaIdsAndTheSubjectRefusesAnIncompatibleSchema() throws Exception {
        String registry = cluster.registryUrl();
        // media events: written by the ingest service and by this JVM's replayer; embeddings: by both workers
        int mediaId = latestId(registry, Topics.MEDIA_EVENTS + "-value");
        int embeddingId = latestId(registry, cluster.embeddingTopic() + "-value");
        assertThat(schemaIds(Topics.MEDIA_EVENTS)).containsExactly(mediaId);
        assertThat(schemaIds(cluster.embeddingTopic())).containsExactly(embeddingId);

        // a new required field without a default cannot read old records: BACKWARD (set by the first writer) refuses it
        String incompatible = MediaEvent.getClassSchema().toString().replaceFirst("\"fields\"\\s*:\\s*\\[",
                "\"fields\":[{\"name\":\"required_without_default\",\"type\":\"string\"},");
        HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(registry + "/subjects/" + Topics.MEDIA_EVENTS + "-value/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("schema", incompatible))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(latestId(registry, Topics.MEDIA_EVENTS + "-value")).isEqualTo(mediaId);
        passed++;
    }

    @Test
    @Order(4)
    void aNewModelVersionThatLiftsEveryScoreRaisesADriftAlertShownByTheQualityService() throws Exception {
        String v1 = cluster.modelVersion();
        // version 2 of the same model id: the default entry plus a TEXT offset (queries and abstracts are TEXT, so every
        // cosine rises towards 1: the top-1 score distribution moves far beyond the KS test's critical D)
        Path models = ModelRegistryFile.write(cluster.runDir().resolve("models-v2.yaml"), cluster.modelId(), "bge-small-en-v1.5-fp32-cls-512", "[TEXT]",
                "    postprocess:\n      - offset: {modality: TEXT, value: 0.2}\n");
        for (ChildJvm w : cluster.encoderWorkers()) {
            if (w.isAlive()) {
                assertThat(w.stop()).as("%s exit status on SIGTERM", w.component()).isZero();
            }
        }
        ChildJvm v2 = cluster.startEncoderWorker(Map.of("encoder.models.file", models.toString()), Duration.ofMinutes(3), OUT);
        OUT.printf("[cluster-it] %s (pid %d) serves %s from %s%n", v2.component(), v2.pid(), cluster.modelId(), models);
        // epoch 0 (test 2, version 1) is the KS reference; epoch 1 is tested when epoch 2's first ranking arrives
        for (int epoch = 1; epoch <= 2; epoch++) {
            ClusterBenchmark.replay(cluster, task, epoch, OUT);
            ClusterBenchmark.awaitScores(cluster, TASK, epoch, task.queries().size(), Duration.ofMinutes(3), OUT);
        }
        URI alertsApi = cluster.qualityPageUri().resolve("api/alerts");
        JsonNode[] alert = new JsonNode[1];
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            for (JsonNode a : JSON.readTree(get(alertsApi)).path("alerts")) {
                if ("top1_score_distribution".equals(a.path("metric").asText()) && TASK.equals(a.path("labels").path("task").asText())) {
                    alert[0] = a;
                    return true;
                }
            }
            return false;
        });
        OUT.println("[cluster-it] alert on " + alertsApi + ": " + alert[0]);
        JsonNode a = alert[0];
        assertThat(a.path("detector").asText()).isEqualTo("ks");
        assertThat(a.path("direction").asText()).isEqualTo("up");
        assertThat(a.path("modelVersion").asText()).isNotEqualTo(v1).startsWith(v1).contains("+post@");
        assertThat(a.path("labels").path("model_id").asText()).isEqualTo(cluster.modelId());
        assertThat(a.path("labels").path("epoch").asText()).isEqualTo("1");
        assertThat(a.path("labels").path("reference_epoch").asText()).isEqualTo("0");
        assertThat(a.path("statistic").asDouble()).isGreaterThan(a.path("threshold").asDouble());
        for (String job : cluster.jobIds().values()) {
            assertThat(cluster.flink().jobState(job)).as("job %s", job).isEqualTo("RUNNING");
        }
        passed++;
    }

    private static String get(URI uri) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + cluster.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(uri + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private static void awaitMembers(int count) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                var members = admin.describeConsumerGroups(List.of(cluster.encoderGroupId())).all()
                        .get(10, TimeUnit.SECONDS).get(cluster.encoderGroupId()).members();
                assertThat(members).hasSize(count);
                Set<TopicPartition> assigned = new HashSet<>();
                for (MemberDescription m : members) {
                    assigned.addAll(m.assignment().topicPartitions());
                }
                assertThat(assigned).containsExactlyInAnyOrder(new TopicPartition(cluster.mediaTopic(), 0),
                        new TopicPartition(cluster.mediaTopic(), 1));
            });
        }
    }

    private static int latestId(String registry, String subject) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(registry + "/subjects/" + subject + "/versions/latest")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("id").asInt();
    }

    /** Schema ids (bytes 1-4 of the Confluent wire format) of every non-tombstone record on {@code topic}. */
    private static Set<Integer> schemaIds(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Set<Integer> ids = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             PipelineProbe probe = new PipelineProbe(cluster.bootstrapServers())) {
            long total = probe.recordCount(topic);
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long[] read = {0};
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    read[0]++;
                    if (r.value() != null) {
                        ids.add(ByteBuffer.wrap(r.value(), 1, 4).getInt());
                    }
                }
                return read[0] >= total;
            });
        }
        return ids;
    }
}
