package io.omnistream.flink.upgrade.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.omnistream.kafka.broker.EmbeddedKafka;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.avro.Deployment;
import io.omnistream.schemas.avro.DeploymentState;
import io.omnistream.schemas.avro.GateCheck;
import io.omnistream.schemas.avro.GateDecision;
import io.omnistream.schemas.avro.GateSpec;
import io.omnistream.schemas.avro.GradedCandidate;
import io.omnistream.schemas.avro.Judgment;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.avro.ModelTarget;
import io.omnistream.schemas.avro.RetrievalMetric;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gate job end to end on a real broker (in-JVM KRaft), a {@code mock://} registry shared with the MiniCluster in
 * this JVM, and hand-written records: two SHADOWING deployments with the same live version v1, one whose shadow v2 is
 * within the gate (a tie at the primary-metric bound) and one whose shadow v3 is worse on one task.
 *
 * <p>Epoch 0 has two tasks: {@code scifact} (2 judged queries, ndcg@10) and {@code nfc} (1 judged query, hit@1); gate
 * epsilon 1/16, delta 1/8, rho 1/16; served path off (wait-for-served false), the bias figures waited for. Figures
 * (binary fractions, so the expected bounds are exact): scifact v1 0.75 (after a running 0.5 over 1 query), v2 0.6875
 * (= 0.75 - 1/16), v3 0.5; nfc 1.0 for all; target_modality_accuracy TEXT->TEXT v1 0.875, v2 0.75 (= 0.875 - 1/8),
 * v3 0.875, each over the epoch's 3 queries.
 */
class UpgradeGateJobIT {
    private static final String REGISTRY = "mock://upgrade-gate-it";
    private static final String DEPLOYMENTS = "it.deployments";
    private static final String JUDGMENTS = "it.judgments";
    private static final String METRICS = "it.metrics";
    private static final String GATE = "it.gate";

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(
                    new NewTopic(DEPLOYMENTS, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                    new NewTopic(JUDGMENTS, 2, (short) 1), new NewTopic(METRICS, 2, (short) 1),
                    new NewTopic(GATE, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void publishesAPassingAndAFailingDecisionWithEveryFigure() throws Exception {
        produceInputs();
        Path checkpoints = Files.createTempDirectory("gate-it-chk");
        JobClient job = UpgradeGateJob.start(config(checkpoints), new Configuration());
        try (KafkaConsumer<String, byte[]> consumer = consumer();
             ConfluentAvroDeserializer<GateDecision> decisions = new ConfluentAvroDeserializer<>(GateDecision.class,
                     REGISTRY)) {
            Map<String, GateDecision> latest = new HashMap<>();
            Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    latest.put(r.key(), decisions.deserialize(GATE, r.value()));
                }
                return latest.size() == 2;
            });

            GateDecision ok = latest.get("up-ok");
            assertThat(ok.getLiveModelVersion()).isEqualTo("v1");
            assertThat(ok.getShadowModelVersion()).isEqualTo("v2");
            assertThat(ok.getEpoch()).isZero();
            assertThat(ok.getPassed()).isTrue();
            assertThat(ok.getChecks()).extracting(GateCheck::getRule, GateCheck::getSubject, GateCheck::getMetric,
                    GateCheck::getLiveValue, GateCheck::getShadowValue, GateCheck::getThreshold, GateCheck::getPassed)
                    .containsExactly(
                            tuple("primary_metric", "nfc", "hit@1", 1.0, 1.0, 0.9375, true),
                            tuple("primary_metric", "scifact", "ndcg@10", 0.75, 0.6875, 0.6875, true),
                            tuple("recall_loss", "*", "recall_loss@10", null, null, 0.0625, true),
                            tuple("modality_accuracy", "TEXT->TEXT", "target_modality_accuracy", 0.875, 0.75, 0.75,
                                    true));
            assertThat(ok.getChecks().get(1).getDetail()).isEqualTo("live n=2/2, shadow n=2/2");
            assertThat(ok.getChecks().get(2).getDetail()).isEqualTo("served path off: recall_loss@10 not measured");
            assertThat(ok.getReason()).isEqualTo("passed all 4 checks: 2 task(s), 1 modality pair(s), served path off");

            GateDecision bad = latest.get("up-bad");
            assertThat(bad.getShadowModelVersion()).isEqualTo("v3");
            assertThat(bad.getPassed()).isFalse();
            assertThat(bad.getChecks()).filteredOn(c -> !c.getPassed())
                    .extracting(GateCheck::getRule, GateCheck::getSubject, GateCheck::getLiveValue,
                            GateCheck::getShadowValue, GateCheck::getThreshold)
                    .containsExactly(tuple("primary_metric", "scifact", 0.75, 0.5, 0.6875));
            assertThat(bad.getReason()).isEqualTo("failed 1 of 4 checks: primary_metric scifact (ndcg@10 0.5000 < 0.6875)");
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
            EmbeddedKafka.deleteRecursively(checkpoints);
        }
    }

    private static UpgradeGateConfig config(Path checkpoints) {
        return UpgradeGateConfig.from(ConfigSource.of(Map.ofEntries(
                Map.entry("kafka.bootstrap.servers", kafka.bootstrapServers()),
                Map.entry("schema.registry.url", REGISTRY),
                Map.entry("upgrade.gate.deployments.topic", DEPLOYMENTS),
                Map.entry("upgrade.gate.judgments.topic", JUDGMENTS),
                Map.entry("upgrade.gate.metrics.topic", METRICS),
                Map.entry("upgrade.gate.topic", GATE),
                Map.entry("upgrade.gate.group.id", "gate-it"),
                Map.entry("upgrade.gate.parallelism", "2"),
                Map.entry("upgrade.gate.checkpoint.interval", "500ms"),
                Map.entry("upgrade.gate.checkpoint.dir", checkpoints.toUri().toString()),
                Map.entry("upgrade.gate.wait-for-served", "false"),
                Map.entry("upgrade.gate.wait-for-bias", "true"),
                Map.entry("upgrade.gate.restart.max-failures-per-interval", "0"))));
    }

    private static void produceInputs() throws Exception {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer());
             ConfluentAvroSerializer<Deployment> deployments = new ConfluentAvroSerializer<>(Deployment.class, REGISTRY);
             ConfluentAvroSerializer<Judgment> judgments = new ConfluentAvroSerializer<>(Judgment.class, REGISTRY);
             ConfluentAvroSerializer<RetrievalMetric> metrics = new ConfluentAvroSerializer<>(RetrievalMetric.class,
                     REGISTRY)) {
            for (String[] d : new String[][] {{"up-ok", "v2"}, {"up-bad", "v3"}}) {
                producer.send(new ProducerRecord<>(DEPLOYMENTS, d[0],
                        deployments.serialize(DEPLOYMENTS, deployment(d[0], d[1])))).get();
            }
            for (String[] j : new String[][] {{"scifact", "q1", "ndcg@10"}, {"scifact", "q2", "ndcg@10"},
                    {"nfc", "q1", "hit@1"}}) {
                producer.send(new ProducerRecord<>(JUDGMENTS, j[1],
                        judgments.serialize(JUDGMENTS, judgment(j[0], j[1], j[2])))).get();
            }
            List<RetrievalMetric> records = List.of(
                    task("v1", "scifact", "ndcg@10", 0.5, 1),   // a running mean: never the live figure
                    task("v1", "scifact", "ndcg@10", 0.75, 2),
                    task("v1", "nfc", "hit@1", 1.0, 1),
                    task("v2", "scifact", "ndcg@10", 0.6875, 2),
                    task("v2", "nfc", "hit@1", 1.0, 1),
                    task("v3", "scifact", "ndcg@10", 0.5, 2),
                    task("v3", "nfc", "hit@1", 1.0, 1),
                    accuracy("v1", Modality.TEXT, 0.875), accuracy("v1", null, 0.875),
                    accuracy("v2", Modality.TEXT, 0.75), accuracy("v2", null, 0.75),
                    accuracy("v3", Modality.TEXT, 0.875), accuracy("v3", null, 0.875));
            for (RetrievalMetric m : records) {
                // keyed by series as the quality job does, so a series' records stay in order
                String key = m.getModelVersion() + "|" + m.getScope() + "|" + m.getTaskId() + "|" + m.getQueryModality()
                        + "|" + m.getMetric();
                producer.send(new ProducerRecord<>(METRICS, key, metrics.serialize(METRICS, m))).get();
            }
        }
    }

    private static Deployment deployment(String name, String shadowVersion) {
        return Deployment.newBuilder().setName(name).setState(DeploymentState.SHADOWING)
                .setLive(target("v1")).setShadow(target(shadowVersion))
                .setGate(GateSpec.newBuilder().setPrimaryMetricEpsilon(0.0625).setModalityAccuracyDelta(0.125)
                        .setMaxRecallLoss(0.0625).build())
                .setUpdatedAtMs(1_000L).build();
    }

    private static ModelTarget target(String version) {
        return ModelTarget.newBuilder().setModelId("model-" + version).setModelVersion(version)
                .setEmbeddingTopic("embeddings.model-" + version + ".v1").setCollection("c_" + version).build();
    }

    private static Judgment judgment(String task, String query, String primaryMetric) {
        return Judgment.newBuilder().setTaskId(task).setQueryItemId(query).setEpoch(0).setMetaTask("RET")
                .setQueryModality(Modality.TEXT).setTargetModality(Modality.TEXT).setPrimaryMetric(primaryMetric)
                .setCandidateCount(10).setGold(List.of(new GradedCandidate(task + "-d1", 1)))
                // as the replayer states them: the epoch's tasks, and the task's number of queries
                .setEpochTasks(List.of("scifact", "nfc")).setTaskQueries(task.equals("scifact") ? 2 : 1).build();
    }

    private static RetrievalMetric task(String version, String task, String metric, double value, long n) {
        return RetrievalMetric.newBuilder().setMetric(metric).setValue(value).setN(n).setScope("task").setTaskId(task)
                .setMetaTask("RET").setQueryModality(Modality.TEXT).setTargetModality(Modality.TEXT)
                .setModelId("model-" + version).setModelVersion(version).setPath("exact").setEpoch(0)
                .setWindowStartMs(0L).setWindowEndMs(0L).setEmittedAtMs(2_000L).build();
    }

    /** target_modality_accuracy over all tasks: TEXT->TEXT, or (modality null) the row over all pairs; 3 queries. */
    private static RetrievalMetric accuracy(String version, Modality modality, double value) {
        return RetrievalMetric.newBuilder().setMetric("target_modality_accuracy").setValue(value).setN(3)
                .setScope("modality_bias").setQueryModality(modality).setTargetModality(modality)
                .setModelId("model-" + version).setModelVersion(version).setPath("exact").setEpoch(0)
                .setWindowStartMs(0L).setWindowEndMs(0L).setEmittedAtMs(2_000L).build();
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "gate-it-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer());
        c.subscribe(List.of(GATE));
        return c;
    }
}
