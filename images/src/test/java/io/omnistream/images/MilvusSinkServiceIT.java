package io.omnistream.images;

import static io.omnistream.images.EntrypointChecks.awaitOk;
import static io.omnistream.images.EntrypointChecks.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.omnistream.kafka.broker.EmbeddedKafka;
import io.omnistream.launcher.stack.TopicBootstrap;
import io.omnistream.milvus.config.MilvusSinkConfig;
import io.omnistream.milvus.lite.MilvusLiteServer;
import io.omnistream.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The omnistream-milvus-sink image's entrypoint, from milvus/target/jib-layout (which, like the image, leaves out the
 * ONNX Runtime, tokenizer and model jars), against a real in-JVM Kafka broker: not ready while Milvus is unreachable,
 * ready against a real Milvus Lite server, clean exit on SIGTERM in both states.
 */
class MilvusSinkServiceIT {
    private static final String MODULE = "milvus";
    private static final String MAIN = "io.omnistream.milvus.service.MilvusSinkService";
    private static final String TOPIC = Topics.embeddings("bge-small-en-v1.5");
    private static EmbeddedKafka kafka;

    @TempDir
    Path scratch;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
        try (TopicBootstrap topics = new TopicBootstrap(kafka.bootstrapServers())) {
            topics.ensure(TOPIC, 2, true);
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
        EntrypointChecks.helpListsEveryKey(MODULE, MAIN, scratch, MilvusSinkConfig.options());
    }

    @Test
    void missingTopicIsAOneLineErrorNamingTheKey() throws Exception {
        EntrypointChecks.configurationErrorIsOneLine(MODULE, MAIN, scratch,
                Map.of("OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                        "OMNISTREAM_SCHEMA_REGISTRY_URL", SharedRegistry.NEVER_CONTACTED), "'sink.topic'");
    }

    @Test
    void mockRegistryIsAOneLineErrorNamingTheKey() throws Exception {
        EntrypointChecks.configurationErrorIsOneLine(MODULE, MAIN, scratch, Map.of(
                "OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "OMNISTREAM_SCHEMA_REGISTRY_URL", "mock://x"), "'schema.registry.url'");
    }

    @Test
    void theLayoutHasNoEncoderRuntime() throws Exception {
        // the sink has no runtime reason to know the encoder: no ONNX Runtime, tokenizer or model jar reaches its image
        Path app = PackagedService.layout(MODULE);
        try (var libs = Files.list(app.resolve("libs"))) {
            assertThat(libs.map(p -> p.getFileName().toString()).toList())
                    .isNotEmpty()
                    .noneMatch(n -> n.startsWith("onnxruntime") || n.startsWith("tokenizers-")
                            || n.startsWith("langchain4j-embeddings-") || n.startsWith("omnistream-encoder-workers"));
        }
        assertThat(PackagedService.leftOut(app)).isEmpty();
    }

    @Test
    void withoutMilvusItIsAliveButNotReadyAndStopsCleanly() throws Exception {
        int metricsPort = PackagedService.freePort();
        String deadMilvus = "http://127.0.0.1:" + PackagedService.freePort(); // nothing listens there
        try (PackagedService sink = start(metricsPort, deadMilvus)) {
            String metrics = "http://127.0.0.1:" + metricsPort;
            awaitOk(sink, metrics + "/healthz", Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                PackagedService.Response ready = PackagedService.get(metrics + "/readyz");
                assertThat(ready.status()).isEqualTo(503);
                assertThat(ready.body()).contains("Milvus at " + deadMilvus + " not reachable: ");
            });
            assertThat(sink.stdout()).contains("retrying in");
            double stop = EntrypointChecks.stopsCleanlyOnSigterm(sink, "omnistream-milvus-sink", Duration.ofSeconds(30));
            report("omnistream-milvus-sink (no Milvus)", "stopped after SIGTERM in", stop);
        }
    }

    @Test
    void readyAgainstMilvusLiteAndStopsCleanlyOnSigterm() throws Exception {
        Path data = scratch.resolve("milvus-data");
        try (MilvusLiteServer milvus = MilvusLiteServer.builder(data).logFile(scratch.resolve("milvus-lite.log")).build().start()) {
            int metricsPort = PackagedService.freePort();
            try (PackagedService sink = start(metricsPort, milvus.uri())) {
                String metrics = "http://127.0.0.1:" + metricsPort;
                double live = awaitOk(sink, metrics + "/healthz", Duration.ofSeconds(60));
                double ready = awaitOk(sink, metrics + "/readyz", Duration.ofSeconds(60));
                assertThat(PackagedService.get(metrics + "/readyz").body()).contains("Milvus answers", "Kafka reachable");
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(EntrypointChecks.groupMembers(kafka.bootstrapServers(), "images-it-sink"))
                                .as(sink.output()).hasSize(1));
                // one record through poll -> Milvus -> commit: a tombstone (needs no schema registry) is a delete in
                // every collection of the topic (none yet: the sink asks Milvus), counted, and its offset committed
                EntrypointChecks.produceTombstone(kafka.bootstrapServers(), TOPIC, "images-it-deleted");
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertThat(PackagedService.get(metrics + "/metrics").body()).as(sink.output())
                            .contains("omnistream_sink_deletes_total{topic=\"" + TOPIC + "\"} 1.0");
                    assertThat(EntrypointChecks.committed(kafka.bootstrapServers(), "images-it-sink", TOPIC)).isEqualTo(1);
                });

                double stop = EntrypointChecks.stopsCleanlyOnSigterm(sink, "omnistream-milvus-sink", Duration.ofSeconds(60));
                assertThat(EntrypointChecks.groupMembers(kafka.bootstrapServers(), "images-it-sink")).isEmpty();
                report("omnistream-milvus-sink", "live (/healthz 200) after", live);
                report("omnistream-milvus-sink", "ready (Milvus Lite, /readyz 200) after", ready);
                report("omnistream-milvus-sink", "stopped after SIGTERM in", stop);
            }
        }
    }

    private PackagedService start(int metricsPort, String milvusUri) {
        return PackagedService.start(MODULE, MAIN, scratch, PackagedService.env(
                "OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "OMNISTREAM_SCHEMA_REGISTRY_URL", SharedRegistry.url(),
                "OMNISTREAM_MILVUS_URI", milvusUri,
                "OMNISTREAM_SINK_TOPIC", TOPIC,
                "OMNISTREAM_SINK_GROUP_ID", "images-it-sink",
                "OMNISTREAM_SERVICE_METRICS_PORT", Integer.toString(metricsPort),
                "OMNISTREAM_SERVICE_SHUTDOWN_TIMEOUT", "30s"));
    }
}
