package io.omnistream.ingest.produce;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.ingest.config.IngestConfig;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.runtime.error.FailureKind;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real KafkaProducer with no broker listening: failures must be transient and surface through the future. */
class MediaEventProducerTest {
    @Test
    void unreachableBrokerIsNotReadyAndSendsFailTransiently() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        IngestConfig config = IngestConfig.from(ConfigSource.of(Map.of("kafka.bootstrap.servers", "127.0.0.1:" + port,
                "ingest.produce.timeout", "1s", "schema.registry.url", "mock://producer-test")));
        try (MediaEventProducer producer = new MediaEventProducer(config)) {
            assertThat(producer.ready(Duration.ofMillis(200))).isFalse();
            MediaEvent event = MediaEvent.newBuilder().setContentId("a").setModality(Modality.TEXT).setText("x")
                    .setEventTimeMs(1L).build();
            ExecutionException failure = org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> producer.publish(event).get(30, TimeUnit.SECONDS), ExecutionException.class);
            assertThat(failure).isNotNull();
            assertThat(FailureClassifier.classify(failure.getCause())).isEqualTo(FailureKind.TRANSIENT);
            assertThat(producer.delete("default", "a")).failsWithin(Duration.ofSeconds(30));
        }
        assertThat(MediaEventProducer.maxRecordBytes(config)).isEqualTo(20L * 1024 * 1024 + 4L * 100_000 + 64 * 1024);
    }
}
