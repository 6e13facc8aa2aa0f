package io.omnistream.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaOptionsTest {
    private static final String SECRET = "s3cr\"et\\pw";

    @TempDir
    Path dir;

    @Test
    void bootstrapServersAreRequiredAndNonBlank() {
        assertThatThrownBy(() -> ConfigSource.load(null, Map.of()).get(KafkaOptions.BOOTSTRAP_SERVERS))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.bootstrap.servers");
        assertThatThrownBy(() -> ConfigSource.load(null, Map.of("kafka.bootstrap.servers", "  "))
                .get(KafkaOptions.BOOTSTRAP_SERVERS)).isInstanceOf(ConfigException.class);
        assertThat(ConfigSource.load(null, Map.of("kafka.bootstrap.servers", " k1:9092,k2:9092 "))
                .get(KafkaOptions.BOOTSTRAP_SERVERS)).isEqualTo("k1:9092,k2:9092");
    }

    @Test
    void registryUrlIsMockOrHttp() {
        assertThat(ConfigSource.load(null, Map.of()).get(KafkaOptions.SCHEMA_REGISTRY_URL)).isEqualTo("mock://omnistream");
        assertThat(ConfigSource.load(null, Map.of("schema.registry.url", "https://sr:8081"))
                .get(KafkaOptions.SCHEMA_REGISTRY_URL)).isEqualTo("https://sr:8081");
        assertThatThrownBy(() -> ConfigSource.load(null, Map.of("schema.registry.url", "sr:8081"))
                .get(KafkaOptions.SCHEMA_REGISTRY_URL))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url")
                .hasMessageContaining("mock://SCOPE, http://... or https://...");
    }

    @Test
    void theSharedKeysAreListedOnce() {
        assertThat(KafkaOptions.options()).extracting(o -> o.key()).containsExactly("kafka.bootstrap.servers",
                "schema.registry.url", "kafka.security.protocol", "kafka.sasl.mechanism", "kafka.sasl.username",
                "kafka.sasl.password", "kafka.sasl.password-file", "kafka.ssl.truststore.location",
                "kafka.ssl.truststore.password", "kafka.ssl.truststore.type", "kafka.ssl.keystore.location",
                "kafka.ssl.keystore.password", "kafka.ssl.keystore.type", "kafka.ssl.endpoint.identification.algorithm",
                "schema.registry.basic-auth.user-info", "schema.registry.basic-auth.user-info-file",
                "schema.registry.ssl.truststore.location", "schema.registry.ssl.truststore.password",
                "schema.registry.ssl.truststore.type");
    }

    @Test
    void byDefaultClientsArePlaintextWithNothingElse() {
        assertThat(KafkaOptions.clientProperties(source(Map.of()))).containsExactly(
                Map.entry("bootstrap.servers", "k1:9092"), Map.entry("security.protocol", "PLAINTEXT"));
    }

    @Test
    void saslSslMapsEveryKeyToItsKafkaProperty() throws Exception {
        Path truststore = Files.writeString(dir.resolve("ca.pem"), "pem");
        Path keystore = Files.writeString(dir.resolve("client.p12"), "p12");
        Map<String, Object> props = KafkaOptions.clientProperties(source(Map.of(
                "kafka.security.protocol", "sasl_ssl",
                "kafka.sasl.mechanism", "SCRAM-SHA-256",
                "kafka.sasl.username", "ingest",
                "kafka.sasl.password", SECRET,
                "kafka.ssl.truststore.location", truststore.toString(),
                "kafka.ssl.keystore.location", keystore.toString(),
                "kafka.ssl.keystore.password", "store-pw",
                "kafka.ssl.endpoint.identification.algorithm", "")));
        assertThat(props).containsEntry("bootstrap.servers", "k1:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsEntry("ssl.truststore.location", truststore.toString())
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.keystore.location", keystore.toString())
                .containsEntry("ssl.keystore.type", "PKCS12")
                .containsEntry("ssl.endpoint.identification.algorithm", "")
                .doesNotContainKey("ssl.truststore.password");
        assertThat(((Password) props.get("sasl.jaas.config")).value()).isEqualTo(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"ingest\" "
                        + "password=\"s3cr\\\"et\\\\pw\";");
        assertThat(((Password) props.get("ssl.keystore.password")).value()).isEqualTo("store-pw");
        assertThat(((Password) props.get("ssl.key.password")).value()).isEqualTo("store-pw");
        assertThat(props.toString()).doesNotContain("s3cr").doesNotContain("store-pw");
    }

    @Test
    void theJaasLineParsesBackToTheSameCredentialsInKafka() {
        // Kafka itself parses the line: a quoting mistake would change the password the broker sees
        var parsed = org.apache.kafka.common.security.JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                new Password(KafkaOptions.jaasConfig("SCRAM-SHA-512", "ingest", SECRET))));
        Map<String, Object> options = Map.copyOf(parsed.configurationEntries().get(0).getOptions());
        assertThat(options).containsEntry("username", "ingest").containsEntry("password", SECRET);
    }

    @Test
    void plainUsesThePlainLoginModuleAndThePasswordFileWithoutItsLineBreak() throws Exception {
        Path file = Files.writeString(dir.resolve("password"), "from-secret\n");
        Map<String, Object> props = KafkaOptions.clientProperties(source(Map.of("kafka.security.protocol", "SASL_PLAINTEXT",
                "kafka.sasl.mechanism", "plain", "kafka.sasl.username", "u", "kafka.sasl.password-file", file.toString())));
        assertThat(props).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN")
                .doesNotContainKey("ssl.truststore.location");
        assertThat(((Password) props.get("sasl.jaas.config")).value()).isEqualTo(
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"from-secret\";");
    }

    @Test
    void sslWithPemKeystoreUsesTheKeyPasswordOnlyAndDefaultsToHostNameVerification() throws Exception {
        Path keystore = Files.writeString(dir.resolve("client.key"), "pem");
        Map<String, Object> props = KafkaOptions.clientProperties(source(Map.of("kafka.security.protocol", "SSL",
                "kafka.ssl.keystore.location", keystore.toString(), "kafka.ssl.keystore.password", "kp")));
        assertThat(props).containsEntry("security.protocol", "SSL").containsEntry("ssl.keystore.type", "PEM")
                .containsEntry("ssl.endpoint.identification.algorithm", "https")
                .doesNotContainKey("ssl.keystore.password").doesNotContainKey("ssl.truststore.location")
                .doesNotContainKey("sasl.jaas.config");
        assertThat(((Password) props.get("ssl.key.password")).value()).isEqualTo("kp");
    }

    @Test
    void inconsistentCombinationsFailAtStartupNamingTheKey() throws Exception {
        Path pem = Files.writeString(dir.resolve("ca.pem"), "pem");
        assertThatThrownBy(() -> KafkaOptions.clientProperties(source(Map.of("kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.password", "p")))).isInstanceOf(ConfigException.class).hasMessageContaining("kafka.sasl.username");
        assertThatThrownBy(() -> KafkaOptions.clientProperties(source(Map.of("kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.username", "u")))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.sasl.password-file");
        assertThatThrownBy(() -> KafkaOptions.clientProperties(source(Map.of("kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.username", "u", "kafka.sasl.password", "p", "kafka.sasl.password-file", pem.toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("set only one");
        assertThatThrownBy(() -> KafkaOptions.clientProperties(source(Map.of("kafka.sasl.username", "u",
                "kafka.sasl.password", SECRET)))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.security.protocol").hasMessageContaining("PLAINTEXT")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr"));
        assertThatThrownBy(() -> KafkaOptions.clientProperties(source(Map.of("kafka.security.protocol", "SASL_PLAINTEXT",
                "kafka.sasl.username", "u", "kafka.sasl.password", "p",
                "kafka.ssl.truststore.location", pem.toString())))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.ssl.truststore.location").hasMessageContaining("does not use TLS");
        assertThatThrownBy(() -> KafkaOptions.clientProperties(source(Map.of("kafka.security.protocol", "SSL",
                "kafka.ssl.truststore.location", dir.resolve("missing.pem").toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not a readable file");
        assertThatThrownBy(() -> KafkaOptions.clientProperties(source(Map.of("kafka.security.protocol", "SSL",
                "kafka.ssl.truststore.location", pem.toString(), "kafka.ssl.truststore.password", "x"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("PEM, which has no password");
        assertThatThrownBy(() -> KafkaOptions.clientProperties(source(Map.of("kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.username", "u", "kafka.sasl.password-file", dir.resolve("nope").toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot read 'kafka.sasl.password-file'");
        assertThatThrownBy(() -> source(Map.of("kafka.sasl.mechanism", "GSSAPI")).get(KafkaOptions.SASL_MECHANISM))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN");
    }

    @Test
    void aKafkaClientBuiltFromThePropertiesAcceptsThemAndNeverLogsThePassword() {
        // the real client parses every property (a wrong key type or value fails here); its config dump hides secrets
        Map<String, Object> props = new HashMap<>(KafkaOptions.clientProperties(source(Map.of(
                "kafka.security.protocol", "SASL_PLAINTEXT", "kafka.sasl.username", "u", "kafka.sasl.password", SECRET))));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "g");
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9"); // resolvable; never connected to here
        ConsumerConfig config = new ConsumerConfig(ConsumerConfig.appendDeserializerToConfig(props,
                new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        assertThat(config.getPassword("sasl.jaas.config").value()).contains(KafkaOptions.jaasConfig("SCRAM-SHA-512", "u",
                SECRET));
        assertThat(config.values().toString()).contains("sasl.jaas.config=[hidden]").doesNotContain("s3cr");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            assertThat(consumer).isNotNull();
        }
    }

    @Test
    void stringPropertiesRevealTheValuesForFlink() {
        Properties strings = KafkaOptions.clientPropertiesAsStrings(source(Map.of("kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.username", "u", "kafka.sasl.password", "pw")));
        assertThat(strings.getProperty("sasl.jaas.config")).endsWith("username=\"u\" password=\"pw\";");
        assertThat(strings.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(strings.getProperty("bootstrap.servers")).isEqualTo("k1:9092");
    }

    @Test
    void registryCredentialsAndTruststoreReachTheConfluentClientKeys() throws Exception {
        Path truststore = Files.writeString(dir.resolve("registry.jks"), "jks");
        Path userInfo = Files.writeString(dir.resolve("user-info"), "reader:pw:with:colons\n");
        assertThat(KafkaOptions.registryClientConfig(source(Map.of()))).isEmpty();
        assertThat(KafkaOptions.registryClientConfig(source(Map.of(
                "schema.registry.basic-auth.user-info-file", userInfo.toString(),
                "schema.registry.ssl.truststore.location", truststore.toString(),
                "schema.registry.ssl.truststore.password", "tp")))).containsExactly(
                Map.entry("basic.auth.credentials.source", "USER_INFO"),
                Map.entry("basic.auth.user.info", "reader:pw:with:colons"),
                Map.entry("schema.registry.ssl.truststore.location", truststore.toString()),
                Map.entry("schema.registry.ssl.truststore.type", "JKS"),
                Map.entry("schema.registry.ssl.truststore.password", "tp"));
        assertThatThrownBy(() -> KafkaOptions.registryClientConfig(source(Map.of(
                "schema.registry.basic-auth.user-info", "no-colon")))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("user:password").satisfies(e -> assertThat(e.getMessage()).doesNotContain("no-colon"));
    }

    private static ConfigSource source(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        all.put("kafka.bootstrap.servers", "k1:9092");
        return ConfigSource.load(null, Map.of(), all);
    }
}
