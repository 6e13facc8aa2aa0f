package io.omnistream.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.serde.SchemaRegistries;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConnectionTest {
    @TempDir
    Path dir;
    @Test
    void itCarriesTheSecuredClientPropertiesSerialisesAndNeverPrintsASecret() throws Exception {
        Path truststore = Files.writeString(dir.resolve("ca.pem"), "pem");
        KafkaConnection connection = KafkaConnection.from(ConfigSource.of(Map.of(
                "kafka.bootstrap.servers", "k1:9093", "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.username", "svc", "kafka.sasl.password", "kafka-secret",
                "kafka.ssl.truststore.location", truststore.toString(),
                "schema.registry.url", "https://sr:8081", "schema.registry.basic-auth.user-info", "sr:registry-secret")));
        Map<String, Object> props = connection.clientProperties();
        assertThat(props).containsEntry("bootstrap.servers", "k1:9093").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("ssl.truststore.location", truststore.toString());
        assertThat(props.get("sasl.jaas.config")).isInstanceOf(Password.class);
        assertThat(((Password) props.get("sasl.jaas.config")).value()).contains("password=\"kafka-secret\"");
        assertThat(connection.clientPropertiesAsStrings().getProperty("sasl.jaas.config")).contains("kafka-secret");
        assertThat(connection.registryConfig()).containsEntry("basic.auth.user.info", "sr:registry-secret");
        assertThat(connection.toString() + props).doesNotContain("kafka-secret").doesNotContain("registry-secret")
                .contains("k1:9093", "SASL_SSL", "basic auth");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(connection);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(connection);
        }
        assertThat(KafkaConnection.plaintext("k:1", "mock://x").clientProperties())
                .isEqualTo(Map.of("bootstrap.servers", "k:1", "security.protocol", "PLAINTEXT"));
    }

    @Test
    void theRegistryCredentialsAndTruststoreReachTheConfluentClient() throws Exception {
        try (RegistryStandIn registry = new RegistryStandIn(dir.resolve("tls"), "reader", "p@ss:word")) {
            String url = registry.url();
            Path userInfo = Files.writeString(dir.resolve("registry-user-info"), "reader:p@ss:word\n");
            KafkaConnection.from(ConfigSource.of(Map.of("kafka.bootstrap.servers", "k:1", "schema.registry.url", url,
                    "schema.registry.basic-auth.user-info-file", userInfo.toString(),
                    "schema.registry.ssl.truststore.location", registry.certificatePem().toString()))).configureRegistry();
            assertThat(SchemaRegistries.client(url).getAllSubjects()).containsExactly(RegistryStandIn.SUBJECT);
            assertThat(registry.authorizations()).containsExactly("Basic " + Base64.getEncoder()
                    .encodeToString("reader:p@ss:word".getBytes(StandardCharsets.UTF_8)));

            // the same URL configured with the wrong password: the registry refuses the client
            KafkaConnection.from(ConfigSource.of(Map.of("kafka.bootstrap.servers", "k:1", "schema.registry.url", url,
                    "schema.registry.basic-auth.user-info", "reader:wrong",
                    "schema.registry.ssl.truststore.location", registry.certificatePem().toString()))).configureRegistry();
            assertThatThrownBy(() -> SchemaRegistries.client(url).getAllSubjects()).hasMessageContaining("Unauthorized");
        }
    }
}
