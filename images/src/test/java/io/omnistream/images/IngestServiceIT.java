package io.omnistream.images;

import static io.omnistream.images.EntrypointChecks.awaitOk;
import static io.omnistream.images.EntrypointChecks.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.ingest.config.IngestConfig;
import io.omnistream.kafka.broker.EmbeddedKafka;
import io.omnistream.launcher.stack.TopicBootstrap;
import io.omnistream.runtime.auth.Scope;
import io.omnistream.schemas.Topics;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The omnistream-ingest image's entrypoint, from ingest/target/jib-layout, against a real in-JVM Kafka broker and the
 * shared Apicurio registry ({@link SharedRegistry}).
 */
class IngestServiceIT {
    private static final String MODULE = "ingest";
    private static final String MAIN = "io.omnistream.ingest.service.IngestService";
    private static EmbeddedKafka kafka;

    @TempDir
    Path scratch;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
        try (TopicBootstrap topics = new TopicBootstrap(kafka.bootstrapServers())) {
            topics.ensure(Topics.MEDIA_EVENTS, 1, Map.of());
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
        EntrypointChecks.helpListsEveryKey(MODULE, MAIN, scratch, IngestConfig.options());
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
    void servesTheApiAndProbesProducesToKafkaAndStopsCleanlyOnSigterm() throws Exception {
        int apiPort = PackagedService.freePort();
        int metricsPort = PackagedService.freePort();
        Map.Entry<Path, String> key = PackagedService.apiKey(scratch, "images-it", Scope.INGEST);
        try (PackagedService ingest = PackagedService.start(MODULE, MAIN, scratch, PackagedService.env(
                "OMNISTREAM_AUTH_KEY_STORE_FILE", key.getKey().toString(),
                "OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "OMNISTREAM_SCHEMA_REGISTRY_URL", SharedRegistry.url(),
                "OMNISTREAM_INGEST_HTTP_HOST", "0.0.0.0", // as the image's environment sets it
                "OMNISTREAM_INGEST_HTTP_PORT", Integer.toString(apiPort),
                "OMNISTREAM_SERVICE_METRICS_PORT", Integer.toString(metricsPort)),
                "-D", "service.metrics.host=127.0.0.1")) {
            String metrics = "http://127.0.0.1:" + metricsPort;
            String api = "http://127.0.0.1:" + apiPort;
            double live = awaitOk(ingest, metrics + "/healthz", Duration.ofSeconds(60));
            double ready = awaitOk(ingest, metrics + "/readyz", Duration.ofSeconds(60));
            assertThat(PackagedService.get(api + "/healthz").status()).isEqualTo(200);
            assertThat(PackagedService.get(api + "/readyz").status()).isEqualTo(200);

            String item = "{\"contentId\":\"images-it-1\",\"modality\":\"TEXT\",\"text\":\"started from the packaged layout\"}";
            assertThat(PackagedService.post(api + "/v1/media", item, null).status()).as("no credential").isEqualTo(401);
            PackagedService.Response accepted = PackagedService.post(api + "/v1/media", item, key.getValue());
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            // 202 means the broker acknowledged it: the record is on the topic, keyed by tenant and id, Confluent-framed
            List<ConsumerRecord<String, byte[]>> records = EntrypointChecks.read(kafka.bootstrapServers(), Topics.MEDIA_EVENTS, 1);
            assertThat(records).hasSize(1);
            ConsumerRecord<String, byte[]> record = records.get(0);
            assertThat(record.key()).isEqualTo("images-it:images-it-1");
            assertThat(record.value()[0]).as("Confluent wire format magic byte").isZero();
            // written with the shared registry's schema id: this JVM, another client of it, reads the record
            MediaEvent event = new ConfluentAvroDeserializer<>(MediaEvent.class, SharedRegistry.url())
                    .deserialize(Topics.MEDIA_EVENTS, record.value());
            assertThat(event.getText()).isEqualTo("started from the packaged layout");

            PackagedService.Response scrape = PackagedService.get(metrics + "/metrics");
            assertThat(scrape.status()).isEqualTo(200);
            assertThat(scrape.body()).contains("omnistream_ingest_requests_total{outcome=\"accepted\"} 1.0");

            double stop = EntrypointChecks.stopsCleanlyOnSigterm(ingest, "omnistream-ingest", Duration.ofSeconds(45));
            assertThat(PackagedService.get(api + "/healthz").status()).as("API closed after the stop").isEqualTo(-1);
            report("omnistream-ingest", "live (/healthz 200) after", live);
            report("omnistream-ingest", "ready (/readyz 200) after", ready);
            report("omnistream-ingest", "stopped after SIGTERM in", stop);
        }
    }
}
