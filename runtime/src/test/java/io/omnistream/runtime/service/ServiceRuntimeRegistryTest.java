package io.omnistream.runtime.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.kafka.KafkaOptions;
import io.omnistream.runtime.kafka.RegistryStandIn;
import io.omnistream.schemas.serde.SchemaRegistries;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A standalone service's registry clients authenticate with the registry keys, registered before the service starts. */
class ServiceRuntimeRegistryTest {
    @TempDir
    Path dir;

    @Test
    void theServiceFactoryAlreadySeesTheRegistryAuthenticationAndTruststore() throws Exception {
        try (RegistryStandIn registry = new RegistryStandIn(dir.resolve("tls"), "svc", "registry-pw")) {
            Path userInfo = Files.writeString(dir.resolve("user-info"), "svc:registry-pw\n");
            AtomicReference<Object> subjects = new AtomicReference<>();
            ServiceRuntime.Definition definition = new ServiceRuntime.Definition("omnistream-demo", "A demo service.",
                    KafkaOptions.options(), List.of(), (config, metrics) -> {
                        try {
                            subjects.set(SchemaRegistries.client(config.get(KafkaOptions.SCHEMA_REGISTRY_URL))
                                    .getAllSubjects());
                        } catch (Exception e) {
                            subjects.set(e);
                        }
                        throw new ConfigException("factory reached");
                    });
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = ServiceRuntime.run(definition, new String[] {
                            "-D", "schema.registry.url=" + registry.url(),
                            "-D", "schema.registry.basic-auth.user-info-file=" + userInfo,
                            "-D", "schema.registry.ssl.truststore.location=" + registry.certificatePem()},
                    Map.of("OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS", "k:1"), new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8), ServiceRuntime.Placement.OWN_PROCESS);
            assertThat(status).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("factory reached").doesNotContain("registry-pw");
            assertThat(subjects.get()).isEqualTo(List.of(RegistryStandIn.SUBJECT));
        }
    }
}
