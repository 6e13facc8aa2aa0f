package io.omnistream.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import io.omnistream.schemas.serde.SchemaRegistries;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaRegistryClientFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifecycle of {@link ApicurioRegistry}: the registry dies with its parent JVM (only another JVM can show it), and one
 * with a storage directory keeps its schemas across a restart.
 */
class ApicurioRegistryIT {
    /** Watchdog reaction (EOF at once, pid poll 0.5 s) plus Quarkus's stop, bounded by the agent's 10 s halt. */
    private static final Duration DIES_WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void theRegistryDiesWithItsParentJvmEvenOnKillMinus9() throws Exception {
        try (TestMainProcess parent = TestMainProcess.start(dir, RegistryHolderMain.class, dir.resolve("apicurio").toString())) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .failFast("the parent JVM exited", () -> assertThat(parent.handle().isAlive()).as(parent.output()).isTrue())
                    .until(() -> parent.value("registry-url") != null);
            ProcessHandle registry = ProcessHandle.of(Long.parseLong(parent.value("registry-pid"))).orElseThrow();
            URI url = URI.create(parent.value("registry-url"));
            assertThat(registry.isAlive()).isTrue();
            assertThat(registry.parent().map(ProcessHandle::pid)).contains(parent.handle().pid());
            assertThat(accepts(url.getPort())).as("registry port open before the kill").isTrue();

            long t0 = System.nanoTime();
            assertThat(parent.handle().destroyForcibly()).as("SIGKILL sent").isTrue(); // kill -9: no hook runs
            await().atMost(DIES_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> !registry.isAlive());
            System.out.printf("[registry] gone %.1f s after kill -9 of its parent%n", (System.nanoTime() - t0) / 1e9);
            assertThat(accepts(url.getPort())).as("registry port closed").isFalse();
        }
    }

    @Test
    void withAStorageDirectoryARestartedRegistryKeepsSubjectsIdsAndRules() throws Exception {
        Path storage = dir.resolve("storage");
        String subject = "media.events.v1-value";
        int id;
        int port;
        try (ApicurioRegistry first = ApicurioRegistry.builder(dir.resolve("first")).storageDir(storage).build().start()) {
            port = first.port();
            new ConfluentAvroSerializer<>(MediaEvent.class, first.confluentUrl()).serialize("media.events.v1",
                    MediaEvent.newBuilder().setContentId("a").setTenant("t").setModality(Modality.TEXT).setText("x")
                            .setSource("it").setEventTimeMs(1).build());
            id = SchemaRegistries.client(first.confluentUrl()).getLatestSchemaMetadata(subject).getId();
        }
        try (ApicurioRegistry again = ApicurioRegistry.builder(dir.resolve("again")).storageDir(storage).port(port)
                .build().start()) {
            // a fresh client: nothing cached, everything read from the restarted registry
            SchemaRegistryClient client = SchemaRegistryClientFactory.newClient(List.of(again.confluentUrl()), 10, null,
                    Map.of(), Map.of());
            assertThat(client.getLatestSchemaMetadata(subject).getId()).isEqualTo(id);
            assertThat(client.getSchemaById(id).canonicalString()).contains("MediaEvent");
            assertThat(client.getCompatibility(subject)).isEqualTo("BACKWARD");
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
