package io.omnistream.runtime.kafka;

import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * The configuration keys every process that talks to Kafka shares (ingest, encoder workers, Milvus sink, Flink jobs,
 * quality service), defined once here so that a key, its default and its description cannot drift apart between
 * services. Each service's config class lists these in its {@code options()} next to its own keys.
 *
 * <p><b>Transport security.</b> {@link #clientProperties(ConfigSource)} is the one place that turns these keys into
 * Kafka client properties; every producer, consumer and admin client is built from its result, so a security setting
 * reaches every client of every service. Decisions, checked at startup ({@link ConfigException} naming the key):
 * <ul>
 *   <li>SASL ({@code SASL_PLAINTEXT}, {@code SASL_SSL}) needs a username and exactly one of {@code kafka.sasl.password}
 *       and {@code kafka.sasl.password-file}; credentials set while the protocol is not SASL are an error (they would
 *       be silently ignored otherwise).</li>
 *   <li>TLS ({@code SSL}, {@code SASL_SSL}) without {@code kafka.ssl.truststore.location} trusts the JVM's default
 *       CAs: right for brokers with publicly signed certificates (managed Kafka), wrong for a private CA, which must
 *       name its truststore. TLS keys set while the protocol is not TLS are an error.</li>
 *   <li>Passwords never appear in logs or in {@code toString()}: they are carried as Kafka {@link Password} values,
 *       which print as {@code [hidden]}; the password file is read once, at startup, and only a trailing line break
 *       is removed from it.</li>
 * </ul>
 */
public final class KafkaOptions {
    public static final ConfigOption<String> BOOTSTRAP_SERVERS = new ConfigOption<>("kafka.bootstrap.servers", null,
            "Kafka bootstrap servers, host:port[,host:port...]. Required.", String::trim, s -> !s.isBlank(),
            "non-empty");
    public static final ConfigOption<String> SCHEMA_REGISTRY_URL = new ConfigOption<>("schema.registry.url",
            "mock://omnistream",
            "Schema Registry URL: http(s)://host:port[/path] of a Confluent-compatible registry (e.g. Apicurio's "
                    + "/apis/ccompat/v7), required by every standalone service; or mock://SCOPE, a registry inside one "
                    + "JVM (the embedded stack and tests only).", String::trim,
            url -> url.startsWith("mock://") || url.startsWith("http://") || url.startsWith("https://"),
            "mock://SCOPE, http://... or https://...");

    public static final ConfigOption<SecurityProtocol> SECURITY_PROTOCOL = ConfigOption.enumValue(
            "kafka.security.protocol", SecurityProtocol.class, SecurityProtocol.PLAINTEXT,
            "How every Kafka client talks to the brokers: PLAINTEXT (no encryption, no authentication; trusted "
                    + "networks only), SSL (TLS, optionally mTLS with kafka.ssl.keystore.*), SASL_PLAINTEXT "
                    + "(authentication without encryption) or SASL_SSL (authentication over TLS; the production choice).");
    /** The SASL mechanisms the clients support: SCRAM (salted challenge, the password never crosses the wire) and PLAIN. */
    static final Set<String> SASL_MECHANISMS = Set.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");
    public static final ConfigOption<String> SASL_MECHANISM = new ConfigOption<>("kafka.sasl.mechanism",
            "SCRAM-SHA-512", "SASL mechanism when kafka.security.protocol is SASL_*. PLAIN sends the password itself "
                    + "(use it over SASL_SSL only).", s -> s.trim().toUpperCase(Locale.ROOT), SASL_MECHANISMS::contains,
            "SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN");
    public static final ConfigOption<String> SASL_USERNAME = optional("kafka.sasl.username",
            "SASL username; required when kafka.security.protocol is SASL_*.");
    public static final ConfigOption<String> SASL_PASSWORD = secretValue("kafka.sasl.password",
            "SASL password; prefer kafka.sasl.password-file (a mounted Secret) so the password is not in the config "
                    + "file or environment. Never logged.");
    public static final ConfigOption<String> SASL_PASSWORD_FILE = optional("kafka.sasl.password-file",
            "File holding the SASL password (e.g. a mounted Kubernetes Secret), read at startup; a trailing line break "
                    + "is ignored. Exactly one of this and kafka.sasl.password when SASL is on.");
    public static final ConfigOption<String> SSL_TRUSTSTORE_LOCATION = optional("kafka.ssl.truststore.location",
            "Truststore with the CA(s) of the brokers' certificates (PEM, PKCS12 or JKS file), when "
                    + "kafka.security.protocol is SSL or SASL_SSL; empty trusts the JVM's default CAs.");
    public static final ConfigOption<String> SSL_TRUSTSTORE_PASSWORD = secretValue("kafka.ssl.truststore.password",
            "Password of a PKCS12/JKS truststore; must be empty for PEM.");
    public static final ConfigOption<String> SSL_TRUSTSTORE_TYPE = storeType("kafka.ssl.truststore.type",
            "Type of kafka.ssl.truststore.location: PEM, PKCS12 or JKS; empty infers it from the file name "
                    + "(.pem/.crt/.cer: PEM, .jks: JKS, otherwise PKCS12).");
    public static final ConfigOption<String> SSL_KEYSTORE_LOCATION = optional("kafka.ssl.keystore.location",
            "Client certificate and private key for mutual TLS (PEM file with the PKCS#8 key and the certificate "
                    + "chain, PKCS12 or JKS); empty for no client certificate.");
    public static final ConfigOption<String> SSL_KEYSTORE_PASSWORD = secretValue("kafka.ssl.keystore.password",
            "Password of a PKCS12/JKS keystore (also used as its key password), or of the encrypted private key in a "
                    + "PEM keystore (empty: the PEM key is not encrypted). Never logged.");
    public static final ConfigOption<String> SSL_KEYSTORE_TYPE = storeType("kafka.ssl.keystore.type",
            "Type of kafka.ssl.keystore.location: PEM, PKCS12 or JKS; empty infers it from the file name "
                    + "(.pem/.crt/.key: PEM, .jks: JKS, otherwise PKCS12).");
    public static final ConfigOption<String> SSL_ENDPOINT_IDENTIFICATION = new ConfigOption<>(
            "kafka.ssl.endpoint.identification.algorithm", "https",
            "Broker host name verification against its certificate: https (on), or empty to turn it off (only for "
                    + "certificates without the brokers' names; weakens TLS to encryption without server identity).",
            s -> s.trim().toLowerCase(Locale.ROOT), s -> s.isEmpty() || s.equals("https"), "https or empty");

    public static final ConfigOption<String> REGISTRY_USER_INFO = secretValue("schema.registry.basic-auth.user-info",
            "Schema Registry HTTP basic authentication as user:password; prefer the -file variant. Never logged.");
    public static final ConfigOption<String> REGISTRY_USER_INFO_FILE = optional(
            "schema.registry.basic-auth.user-info-file",
            "File holding the registry's user:password (e.g. a mounted Secret), read at startup; a trailing line break "
                    + "is ignored. At most one of this and schema.registry.basic-auth.user-info.");
    public static final ConfigOption<String> REGISTRY_TRUSTSTORE_LOCATION = optional(
            "schema.registry.ssl.truststore.location",
            "Truststore (PEM, PKCS12 or JKS) with the CA of an https:// registry's certificate; empty trusts the JVM's "
                    + "default CAs.");
    public static final ConfigOption<String> REGISTRY_TRUSTSTORE_PASSWORD = secretValue(
            "schema.registry.ssl.truststore.password", "Password of a PKCS12/JKS registry truststore; empty for PEM.");
    public static final ConfigOption<String> REGISTRY_TRUSTSTORE_TYPE = storeType(
            "schema.registry.ssl.truststore.type",
            "Type of schema.registry.ssl.truststore.location: PEM, PKCS12 or JKS; empty infers it from the file name.");

    private KafkaOptions() {
    }

    /** The shared keys, in the order the configuration reference lists them. */
    public static List<ConfigOption<?>> options() {
        return List.of(BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, SECURITY_PROTOCOL, SASL_MECHANISM, SASL_USERNAME,
                SASL_PASSWORD, SASL_PASSWORD_FILE, SSL_TRUSTSTORE_LOCATION, SSL_TRUSTSTORE_PASSWORD, SSL_TRUSTSTORE_TYPE,
                SSL_KEYSTORE_LOCATION, SSL_KEYSTORE_PASSWORD, SSL_KEYSTORE_TYPE, SSL_ENDPOINT_IDENTIFICATION,
                REGISTRY_USER_INFO, REGISTRY_USER_INFO_FILE, REGISTRY_TRUSTSTORE_LOCATION, REGISTRY_TRUSTSTORE_PASSWORD,
                REGISTRY_TRUSTSTORE_TYPE);
    }

    /**
     * The Kafka client properties {@code source} implies: {@code bootstrap.servers} plus {@link #securityProperties}.
     * Every producer, consumer and admin client of the project starts from this map and adds its own settings (group,
     * acks, ...). Secrets are {@link Password} values (Kafka clients accept them; they print as {@code [hidden]}).
     *
     * @throws ConfigException on a missing or invalid key, an inconsistent combination or an unreadable password file
     */
    public static Map<String, Object> clientProperties(ConfigSource source) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, source.get(BOOTSTRAP_SERVERS));
        props.putAll(securityProperties(source));
        return props;
    }

    /**
     * {@link #clientProperties} as {@link Properties} of plain strings, for APIs that need them (Flink's
     * {@code KafkaSource}/{@code KafkaSink} builders read and serialise string properties). Its {@code toString()}
     * shows the secrets: never log it.
     */
    public static Properties clientPropertiesAsStrings(ConfigSource source) {
        return asStrings(clientProperties(source));
    }

    /** {@code props} with every value as a string ({@link Password}s revealed); see {@link #clientPropertiesAsStrings}. */
    public static Properties asStrings(Map<String, Object> props) {
        Properties strings = new Properties();
        props.forEach((k, v) -> strings.setProperty(k, v instanceof Password p ? p.value() : String.valueOf(v)));
        return strings;
    }

    /**
     * The security part of the client properties: {@code security.protocol}, and per protocol the SASL JAAS
     * configuration and the TLS trust/key stores. Empty-valued keys are left out, so Kafka's defaults apply.
     */
    public static Map<String, Object> securityProperties(ConfigSource source) {
        SecurityProtocol protocol = source.get(SECURITY_PROTOCOL);
        boolean sasl = protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL;
        boolean tls = protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol.name);

        String username = source.get(SASL_USERNAME);
        Optional<String> password = secret(source, SASL_PASSWORD, SASL_PASSWORD_FILE, true);
        if (sasl) {
            if (username.isEmpty()) {
                throw new ConfigException("'" + SECURITY_PROTOCOL.key() + "' is " + protocol + " but '"
                        + SASL_USERNAME.key() + "' is empty; set it (" + SASL_USERNAME.envVar() + ")");
            }
            if (password.isEmpty()) {
                throw new ConfigException("'" + SECURITY_PROTOCOL.key() + "' is " + protocol + " but no password is "
                        + "set; set '" + SASL_PASSWORD_FILE.key() + "' (a mounted Secret) or '" + SASL_PASSWORD.key() + "'");
            }
            String mechanism = source.get(SASL_MECHANISM);
            props.put(SaslConfigs.SASL_MECHANISM, mechanism);
            props.put(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaasConfig(mechanism, username, password.get())));
        } else if (!username.isEmpty() || password.isPresent()) {
            throw new ConfigException("SASL credentials are set but '" + SECURITY_PROTOCOL.key() + "' is " + protocol
                    + ", which would ignore them; set it to SASL_SSL (or SASL_PLAINTEXT) or remove the credentials");
        }

        String truststore = source.get(SSL_TRUSTSTORE_LOCATION);
        String keystore = source.get(SSL_KEYSTORE_LOCATION);
        if (!tls) {
            for (ConfigOption<String> o : List.of(SSL_TRUSTSTORE_LOCATION, SSL_TRUSTSTORE_PASSWORD, SSL_KEYSTORE_LOCATION,
                    SSL_KEYSTORE_PASSWORD)) {
                if (!source.get(o).isEmpty()) {
                    throw new ConfigException("'" + o.key() + "' is set but '" + SECURITY_PROTOCOL.key() + "' is "
                            + protocol + ", which does not use TLS; set it to SSL or SASL_SSL or remove the TLS keys");
                }
            }
            return props;
        }
        props.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, source.get(SSL_ENDPOINT_IDENTIFICATION));
        if (!truststore.isEmpty()) {
            String type = storeType(source, SSL_TRUSTSTORE_TYPE, SSL_TRUSTSTORE_LOCATION, truststore, false);
            props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore);
            props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, type);
            String storePassword = source.get(SSL_TRUSTSTORE_PASSWORD);
            if (!storePassword.isEmpty()) {
                if (type.equals("PEM")) {
                    throw new ConfigException("'" + SSL_TRUSTSTORE_PASSWORD.key() + "' is set but the truststore "
                            + truststore + " is PEM, which has no password; remove it");
                }
                props.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, new Password(storePassword));
            }
        } else if (!source.get(SSL_TRUSTSTORE_PASSWORD).isEmpty()) {
            throw new ConfigException("'" + SSL_TRUSTSTORE_PASSWORD.key() + "' is set without '"
                    + SSL_TRUSTSTORE_LOCATION.key() + "'");
        }
        if (!keystore.isEmpty()) {
            String type = storeType(source, SSL_KEYSTORE_TYPE, SSL_KEYSTORE_LOCATION, keystore, true);
            props.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystore);
            props.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, type);
            String keyPassword = source.get(SSL_KEYSTORE_PASSWORD);
            if (!keyPassword.isEmpty()) {
                // a PEM keystore has no store password, only the encrypted key's; PKCS12/JKS use one for both here
                if (!type.equals("PEM")) {
                    props.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, new Password(keyPassword));
                }
                props.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, new Password(keyPassword));
            }
        } else if (!source.get(SSL_KEYSTORE_PASSWORD).isEmpty()) {
            throw new ConfigException("'" + SSL_KEYSTORE_PASSWORD.key() + "' is set without '"
                    + SSL_KEYSTORE_LOCATION.key() + "'");
        }
        return props;
    }

    /**
     * The Confluent Schema Registry client configuration {@code source} implies: HTTP basic authentication
     * ({@code basic.auth.credentials.source=USER_INFO}, {@code basic.auth.user.info}) and the truststore of an
     * https:// registry ({@code schema.registry.ssl.truststore.*}). Values are strings, as the client expects; the map
     * holds the registry password, so it is handed to the client and never logged. Empty when nothing is set.
     */
    public static Map<String, String> registryClientConfig(ConfigSource source) {
        Map<String, String> config = new LinkedHashMap<>();
        Optional<String> userInfo = secret(source, REGISTRY_USER_INFO, REGISTRY_USER_INFO_FILE, false);
        if (userInfo.isPresent()) {
            if (userInfo.get().indexOf(':') <= 0) {
                throw new ConfigException("the registry credentials ('" + REGISTRY_USER_INFO.key() + "' or '"
                        + REGISTRY_USER_INFO_FILE.key() + "') must be user:password");
            }
            config.put("basic.auth.credentials.source", "USER_INFO");
            config.put("basic.auth.user.info", userInfo.get());
        }
        String truststore = source.get(REGISTRY_TRUSTSTORE_LOCATION);
        if (!truststore.isEmpty()) {
            String type = storeType(source, REGISTRY_TRUSTSTORE_TYPE, REGISTRY_TRUSTSTORE_LOCATION, truststore, false);
            config.put("schema.registry.ssl.truststore.location", truststore);
            config.put("schema.registry.ssl.truststore.type", type);
            String password = source.get(REGISTRY_TRUSTSTORE_PASSWORD);
            if (!password.isEmpty()) {
                config.put("schema.registry.ssl.truststore.password", password);
            }
        }
        return config;
    }

    /**
     * The JAAS line of a SASL login with {@code mechanism}. Username and password are quoted with {@code \} escaping
     * (JAAS parses quoted strings like a Java tokenizer), so any character is safe in them.
     */
    static String jaasConfig(String mechanism, String username, String password) {
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + jaasQuote(username) + "\" password=\"" + jaasQuote(password) + "\";";
    }

    private static String jaasQuote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /**
     * The secret from {@code value} or {@code file}; empty when neither is set. Both set is an error (which one wins
     * would be a guess). The file's content minus one trailing line break ({@code kubectl create secret --from-file}
     * keeps the editor's newline).
     */
    private static Optional<String> secret(ConfigSource source, ConfigOption<String> value, ConfigOption<String> file,
                                           boolean required) {
        String inline = source.get(value);
        String path = source.get(file);
        if (!inline.isEmpty() && !path.isEmpty()) {
            throw new ConfigException("both '" + value.key() + "' and '" + file.key() + "' are set; set only one");
        }
        if (!inline.isEmpty()) {
            return Optional.of(inline);
        }
        if (path.isEmpty()) {
            return Optional.empty();
        }
        String content;
        try {
            content = Files.readString(Path.of(path), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot read '" + file.key() + "' " + path + ": " + e, e);
        }
        if (content.endsWith("\n")) {
            content = content.substring(0, content.length() - 1);
        }
        if (content.endsWith("\r")) {
            content = content.substring(0, content.length() - 1);
        }
        if (content.isEmpty()) {
            throw new ConfigException("'" + file.key() + "' " + path + " is empty");
        }
        return Optional.of(content);
    }

    /** The explicit store type, or the one the file name implies; the store file must exist (a typo fails at startup). */
    private static String storeType(ConfigSource source, ConfigOption<String> typeOption, ConfigOption<String> location,
                                    String path, boolean keystore) {
        if (!Files.isReadable(Path.of(path))) {
            throw new ConfigException("'" + location.key() + "' " + path + " is not a readable file");
        }
        String type = source.get(typeOption);
        if (!type.isEmpty()) {
            return type;
        }
        String name = path.toLowerCase(Locale.ROOT);
        if (name.endsWith(".pem") || name.endsWith(".crt") || name.endsWith(".cer") || (keystore && name.endsWith(".key"))) {
            return "PEM";
        }
        return name.endsWith(".jks") ? "JKS" : "PKCS12";
    }

    private static ConfigOption<String> optional(String key, String description) {
        return new ConfigOption<>(key, "", description, String::trim, s -> true, "any string; empty means unset");
    }

    /** A secret: not trimmed (spaces may belong to it), and never echoed in an error (any value is valid). */
    private static ConfigOption<String> secretValue(String key, String description) {
        return new ConfigOption<>(key, "", description, s -> s, s -> true, "any string; empty means unset");
    }

    private static ConfigOption<String> storeType(String key, String description) {
        return new ConfigOption<>(key, "", description, s -> s.trim().toUpperCase(Locale.ROOT),
                s -> s.isEmpty() || s.equals("PEM") || s.equals("PKCS12") || s.equals("JKS"), "PEM, PKCS12, JKS or empty");
    }
}
