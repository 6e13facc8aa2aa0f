package io.omnistream.images;

import static io.omnistream.images.EntrypointChecks.awaitOk;
import static io.omnistream.images.EntrypointChecks.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.omnistream.kafka.broker.EmbeddedKafka;
import io.omnistream.launcher.stack.TopicBootstrap;
import io.omnistream.quality.service.QualityServiceConfig;
import io.omnistream.runtime.auth.Scope;
import io.omnistream.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The omnistream-quality-service image's entrypoint, from quality-service/target/jib-layout, against a real in-JVM
 * Kafka broker and the shared Apicurio registry ({@link SharedRegistry}). No Avro record is written:
 * the quality topics hold one tombstone each (skipped by the readers, but the topics have an end to catch up to),
 * and a consumer group with a committed offset gives the consumer-lag gauge a sample. The values of the quality
 * gauges against a real replay are checked by the launcher's {@code LiveQualityPageIT}.
 */
class QualityServiceIT {
    private static final String MODULE = "quality-service";
    private static final String MAIN = "io.omnistream.quality.service.QualityService";
    private static final String COMMAND = "omnistream-quality-service";
    private static final String GROUP = "images-it-lagging";
    private static EmbeddedKafka kafka;

    @TempDir
    Path scratch;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
        try (TopicBootstrap topics = new TopicBootstrap(kafka.bootstrapServers())) {
            topics.ensure(Topics.QUALITY_METRICS, 1, Map.of());
            topics.ensure(Topics.QUALITY_ALERTS, 1, Map.of());
        }
        EntrypointChecks.produceTombstone(kafka.bootstrapServers(), Topics.QUALITY_METRICS, "m");
        EntrypointChecks.produceTombstone(kafka.bootstrapServers(), Topics.QUALITY_METRICS, "m");
        EntrypointChecks.produceTombstone(kafka.bootstrapServers(), Topics.QUALITY_ALERTS, "a");
        // a group that committed 1 of the 2 records of the metrics topic: lag 1
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, GROUP),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.commitSync(Map.of(new TopicPartition(Topics.QUALITY_METRICS, 0), new OffsetAndMetadata(1)));
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
        EntrypointChecks.helpListsEveryKey(MODULE, MAIN, scratch, QualityServiceConfig.options());
    }

    @Test
    void missingBootstrapServersIsAOneLineErrorNamingTheKey() throws Exception {
        EntrypointChecks.configurationErrorIsOneLine(MODULE, MAIN, scratch,
                Map.of("OMNISTREAM_SCHEMA_REGISTRY_URL", SharedRegistry.NEVER_CONTACTED), "'kafka.bootstrap.servers'");
    }

    @Test
    void mockRegistryIsAOneLineErrorNamingTheKey() throws Exception {
        EntrypointChecks.configurationErrorIsOneLine(MODULE, MAIN, scratch, Map.of(
                "OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "OMNISTREAM_SCHEMA_REGISTRY_URL", "mock://x"), "'schema.registry.url'");
    }

    @Test
    void exportsLagServesThePageAndStopsCleanlyOnSigterm() throws Exception {
        int webPort = PackagedService.freePort();
        int metricsPort = PackagedService.freePort();
        Map.Entry<Path, String> key = PackagedService.apiKey(scratch, "images-it", Scope.READ_QUALITY);
        try (PackagedService quality = PackagedService.start(MODULE, MAIN, scratch, PackagedService.env(
                "OMNISTREAM_AUTH_KEY_STORE_FILE", key.getKey().toString(),
                "OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "OMNISTREAM_SCHEMA_REGISTRY_URL", SharedRegistry.url(),
                "OMNISTREAM_QUALITY_SERVICE_WEB_HOST", "0.0.0.0", // as the image's environment sets it
                "OMNISTREAM_QUALITY_SERVICE_WEB_PORT", Integer.toString(webPort),
                "OMNISTREAM_SERVICE_METRICS_PORT", Integer.toString(metricsPort)),
                "-D", "service.metrics.host=127.0.0.1", "-D", "quality-service.lag.interval=500ms")) {
            String metrics = "http://127.0.0.1:" + metricsPort;
            String page = "http://127.0.0.1:" + webPort;
            double live = awaitOk(quality, metrics + "/healthz", Duration.ofSeconds(60));
            double ready = awaitOk(quality, metrics + "/readyz", Duration.ofSeconds(60));
            assertThat(PackagedService.get(metrics + "/readyz").body()).contains("read to their end");

            // the page and its API, on the http port, for a read-quality credential only
            assertThat(PackagedService.get(page + "/").status()).as("no credential").isEqualTo(401);
            String k = key.getValue();
            PackagedService.Response index = PackagedService.get(page + "/", k);
            assertThat(index.status()).isEqualTo(200);
            assertThat(index.body()).contains("<script src=\"app.js\"></script>", "id=\"alerts\"");
            for (String api : List.of("/api/quality", "/api/bias", "/api/alerts", "/api/pipeline")) {
                assertThat(PackagedService.get(page + api, k).status()).as(api).isEqualTo(200);
            }
            assertThat(PackagedService.get(page + "/api/quality", k).body()).isEqualTo("{\"tasks\":[]}");

            // consumer lag of every group, sampled every 500 ms
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> assertThat(PackagedService.get(metrics + "/metrics").body()).containsPattern(
                            Pattern.quote("omnistream_kafka_consumer_lag{group=\"" + GROUP + "\",topic=\""
                                    + Topics.QUALITY_METRICS + "\"} 1.0")));
            assertThat(PackagedService.get(page + "/api/pipeline", k).body())
                    .contains("{\"group\":\"" + GROUP + "\",\"topic\":\"" + Topics.QUALITY_METRICS + "\",\"records\":1}");

            double stop = EntrypointChecks.stopsCleanlyOnSigterm(quality, COMMAND, Duration.ofSeconds(45));
            assertThat(PackagedService.get(page + "/").status()).as("page closed after the stop").isEqualTo(-1);
            report(COMMAND, "live (/healthz 200) after", live);
            report(COMMAND, "ready (/readyz 200) after", ready);
            report(COMMAND, "stopped after SIGTERM in", stop);
        }
    }
}
