package io.omnistream.images;

import static io.omnistream.images.EntrypointChecks.awaitOk;
import static io.omnistream.images.EntrypointChecks.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.kafka.broker.EmbeddedKafka;
import io.omnistream.launcher.stack.TopicBootstrap;
import io.omnistream.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The omnistream-encoder-worker image's entrypoint, from encoder-workers/target/jib-layout: loads the real ONNX
 * model (native ONNX Runtime and tokenizer libraries extracted from the layout's jars into its scratch directory),
 * joins the consumer group on a real in-JVM Kafka broker, and leaves it on SIGTERM.
 */
class EncoderWorkerServiceIT {
    private static final String MODULE = "encoder-workers";
    private static final String MAIN = "io.omnistream.encoder.service.EncoderWorkerService";
    private static final String MODEL = "bge-small-en-v1.5";
    private static final String GROUP = "images-it-encoder";
    private static EmbeddedKafka kafka;

    @TempDir
    Path scratch;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
        try (TopicBootstrap topics = new TopicBootstrap(kafka.bootstrapServers())) {
            topics.ensure(Topics.MEDIA_EVENTS, 2, Map.of());
            topics.ensure(Topics.embeddings(MODEL), 2, true);
            topics.ensure(Topics.DLQ, 1, Map.of());
        }
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void helpListsEveryConfigurationKey() throws Exception {
        EntrypointChecks.helpListsEveryKey(MODULE, MAIN, scratch, EncoderWorkerConfig.options());
    }

    @Test
    void unknownModelIsAOneLineErrorNamingTheKey() throws Exception {
        EntrypointChecks.configurationErrorIsOneLine(MODULE, MAIN, scratch,
                Map.of("OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                        "OMNISTREAM_SCHEMA_REGISTRY_URL", SharedRegistry.NEVER_CONTACTED), "'encoder.model'",
                "-D", "encoder.model=no-such-model");
    }

    @Test
    void mockRegistryIsAOneLineErrorNamingTheKey() throws Exception {
        EntrypointChecks.configurationErrorIsOneLine(MODULE, MAIN, scratch, Map.of(
                "OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "OMNISTREAM_SCHEMA_REGISTRY_URL", "mock://x"), "'schema.registry.url'");
    }

    @Test
    void loadsTheModelJoinsTheGroupAndLeavesItOnSigterm() throws Exception {
        int metricsPort = PackagedService.freePort();
        try (PackagedService worker = PackagedService.start(MODULE, MAIN, scratch, PackagedService.env(
                "OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "OMNISTREAM_SCHEMA_REGISTRY_URL", SharedRegistry.url(),
                "OMNISTREAM_ENCODER_MODEL", MODEL,
                "OMNISTREAM_ENCODER_GROUP_ID", GROUP,
                "OMNISTREAM_SERVICE_METRICS_PORT", Integer.toString(metricsPort)))) {
            String metrics = "http://127.0.0.1:" + metricsPort;
            // /healthz is 503 while the model loads (the chart's startup probe waits on it), then 200
            double live = awaitOk(worker, metrics + "/healthz", Duration.ofMinutes(3));
            double ready = awaitOk(worker, metrics + "/readyz", Duration.ofSeconds(60));
            assertThat(PackagedService.get(metrics + "/healthz").body()).contains("worker running", MODEL);

            // the consume loop really runs: the broker gives the worker both partitions of the media topic
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(EntrypointChecks.groupMembers(kafka.bootstrapServers(), GROUP))
                            .as(worker.output()).singleElement()
                            .satisfies(m -> assertThat(m.assignment().topicPartitions()).containsExactlyInAnyOrder(
                                    new TopicPartition(Topics.MEDIA_EVENTS, 0), new TopicPartition(Topics.MEDIA_EVENTS, 1))));
            PackagedService.Response scrape = PackagedService.get(metrics + "/metrics");
            assertThat(scrape.body()).containsPattern(
                    "omnistream_encoder_execution_provider_info\\{model=\"" + MODEL + "\",provider=\"(CPU|CUDA)\"} 1");

            // one record through the consume -> produce -> commit loop: a delete (tombstone) is forwarded as a delete
            // to the embedding topic (a tombstone needs no schema)
            EntrypointChecks.produceTombstone(kafka.bootstrapServers(), Topics.MEDIA_EVENTS, "images-it-deleted");
            List<ConsumerRecord<String, byte[]>> out = EntrypointChecks.read(kafka.bootstrapServers(), Topics.embeddings(MODEL), 1);
            assertThat(out).as(worker.output()).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo("images-it-deleted");
                assertThat(r.value()).isNull();
            });
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(EntrypointChecks.committed(kafka.bootstrapServers(), GROUP, Topics.MEDIA_EVENTS)).isEqualTo(1));

            double stop = EntrypointChecks.stopsCleanlyOnSigterm(worker, "omnistream-encoder-worker", Duration.ofSeconds(90));
            // the consumer was closed (not just abandoned): it left the group at once
            assertThat(EntrypointChecks.groupMembers(kafka.bootstrapServers(), GROUP)).isEmpty();
            // Nothing resolved a path against user.home, which is "?" for uid 10001 (no passwd entry) and would have
            // become the directory "?" in the working directory; the image's DJL_CACHE_DIR and XDG_CACHE_HOME point
            // DJL and JNA at /tmp instead. (Only meaningful when the worker ran as uid 10001, see PackagedService.)
            assertThat(scratch.resolve("?")).as("ran as %s", worker.user()).doesNotExist();
            assertThat(scratch.resolve(".djl.ai")).as("tokenizer native library extracted to DJL_CACHE_DIR").isDirectory();
            report("omnistream-encoder-worker", "live (model loaded, /healthz 200) after", live);
            report("omnistream-encoder-worker", "ready (/readyz 200) after", ready);
            report("omnistream-encoder-worker", "stopped after SIGTERM in", stop);
        }
    }
}
