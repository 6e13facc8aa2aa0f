package io.omnistream.kafka.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Apache Kafka broker (KRaft mode, combined broker + controller) running inside this JVM.
 *
 * <p>It is the same {@link KafkaRaftServer} the {@code kafka-server-start.sh} script runs: storage is formatted with
 * Kafka's own {@link Formatter}, then the server starts with replication factors of 1. Data lives in a temporary
 * directory (or the one given) and is deleted on {@link #close()} unless it was given by the caller.
 * Intended for the embedded stack and integration tests; production points the services at a real cluster.
 *
 * <p><b>SASL_SSL mode</b> ({@link #startSaslSsl}): clients connect to a SASL_SSL listener (TLS with a certificate
 * generated at start, see {@link SelfSignedCertificate}; SCRAM-SHA-512 with the given users, whose credentials are
 * written into the cluster metadata when the storage is formatted). The broker's own listeners stay PLAINTEXT on
 * 127.0.0.1: the controller listener (KRaft controllers cannot authenticate with SCRAM, whose credentials live in the
 * metadata they serve) and the inter-broker listener (a single node only talks to itself). Anyone who can open a
 * loopback connection on this host can therefore still reach the broker unauthenticated; it is a test fixture for the
 * clients' security, not a hardened broker. {@link #bootstrapServers()} is the SASL_SSL address in this mode.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** Largest record the embedded broker accepts: 32 MiB. */
    public static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
    /** File in the data directory recording the listener ports, so that a restart keeps the broker's address. */
    static final String LISTENERS_FILE = "omnistream-listeners.properties";
    /** The SASL mechanism of the SASL_SSL listener. */
    public static final String SASL_MECHANISM = "SCRAM-SHA-512";
    /** User names and passwords of the embedded broker: kept simple so that the format-time SCRAM syntax needs no quoting. */
    private static final Pattern CREDENTIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Path logDir;
    private final boolean deleteOnClose;
    private final int brokerPort;
    private final KafkaRaftServer server;
    /** The TLS material of the SASL_SSL listener, in its own temporary directory; null in PLAINTEXT mode. */
    private final SelfSignedCertificate certificate;
    private final Path certificateDir;

    private EmbeddedKafka(Path logDir, boolean deleteOnClose, int brokerPort, KafkaRaftServer server,
                          SelfSignedCertificate certificate, Path certificateDir) {
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
        this.brokerPort = brokerPort;
        this.server = server;
        this.certificate = certificate;
        this.certificateDir = certificateDir;
    }

    /** Starts a broker on free loopback ports with data in a fresh temporary directory. */
    public static EmbeddedKafka start() {
        try {
            return start(Files.createTempDirectory("omnistream-kafka"), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param logDir        data directory; formatted if empty
     * @param deleteOnClose whether {@link #close()} removes it
     */
    public static EmbeddedKafka start(Path logDir, boolean deleteOnClose) {
        return start(logDir, deleteOnClose, null);
    }

    /**
     * Starts a broker whose client listener is SASL_SSL (SCRAM-SHA-512) on free loopback ports, data in a fresh
     * temporary directory.
     *
     * @param users SCRAM user name → password (letters, digits, {@code . _ -}; at least one user)
     */
    public static EmbeddedKafka startSaslSsl(Map<String, String> users) {
        try {
            return startSaslSsl(Files.createTempDirectory("omnistream-kafka"), true, users);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@link #startSaslSsl(Map)} on {@code logDir}. The users are created when the storage is formatted; a directory
     * formatted before keeps the users it was formatted with. A new certificate is generated on every start.
     */
    public static EmbeddedKafka startSaslSsl(Path logDir, boolean deleteOnClose, Map<String, String> users) {
        if (users == null || users.isEmpty()) {
            throw new IllegalArgumentException("a SASL_SSL broker needs at least one SCRAM user");
        }
        users.forEach((name, password) -> {
            if (!CREDENTIAL.matcher(name).matches() || password == null || !CREDENTIAL.matcher(password).matches()) {
                throw new IllegalArgumentException("SCRAM user '" + name + "': name and password must be 1-64 of "
                        + "letters, digits, '.', '_', '-'");
            }
        });
        return start(logDir, deleteOnClose, Map.copyOf(users));
    }

    private static EmbeddedKafka start(Path logDir, boolean deleteOnClose, Map<String, String> scramUsers) {
        int[] ports = listenerPorts(logDir);
        int brokerPort = ports[0];
        int controllerPort = ports[1];
        int securePort = ports[2];
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        SelfSignedCertificate certificate = null;
        Path certificateDir = null;
        if (scramUsers != null) {
            try {
                certificateDir = Files.createTempDirectory("omnistream-kafka-tls");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            certificate = SelfSignedCertificate.generate(certificateDir, "omnistream-embedded-kafka");
            props.put("listeners", props.get("listeners") + ",SASL_SSL://127.0.0.1:" + securePort);
            props.put("advertised.listeners", props.get("advertised.listeners") + ",SASL_SSL://127.0.0.1:" + securePort);
            props.put("listener.security.protocol.map", props.get("listener.security.protocol.map") + ",SASL_SSL:SASL_SSL");
            props.put("sasl.enabled.mechanisms", SASL_MECHANISM);
            props.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            props.put("listener.name.sasl_ssl.ssl.keystore.type", "PEM");
            props.put("listener.name.sasl_ssl.ssl.keystore.location", certificate.keystorePem().toString());
            props.put("listener.name.sasl_ssl.ssl.enabled.protocols", "TLSv1.3,TLSv1.2");
        }
        props.put("log.dirs", logDir.toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "1");
        // the stack creates its topics explicitly (partitions, compaction); auto-creation would hide a wrong name
        props.put("auto.create.topics.enable", "false");
        // room for the ingest API's largest record (ingest.max-payload-bytes defaults to 20 MiB, plus envelope)
        props.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        props.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        props.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        // a directory that already holds a broker keeps its cluster id (formatting it again would need the same id)
        boolean formatted = Files.isRegularFile(logDir.resolve("meta.properties"));
        try {
            if (formatted) {
                LOG.info("Kafka storage in {} is formatted already; starting on its data", logDir);
            } else {
                format(logDir, scramUsers == null ? Map.of() : scramUsers);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
        if (certificate == null) {
            LOG.info("Kafka (KRaft) started on 127.0.0.1:{} with data in {}", brokerPort, logDir);
            return new EmbeddedKafka(logDir, deleteOnClose, brokerPort, server, null, null);
        }
        LOG.info("Kafka (KRaft) started with SASL_SSL ({}) on 127.0.0.1:{} (internal PLAINTEXT listener on 127.0.0.1:{}),"
                + " users {}, data in {}", SASL_MECHANISM, securePort, brokerPort, scramUsers.keySet(), logDir);
        return new EmbeddedKafka(logDir, deleteOnClose, securePort, server, certificate, certificateDir);
    }

    /**
     * Formats {@code logDir} as the storage of a new single-node KRaft cluster (node 1, a fresh cluster id), with SCRAM
     * credentials for {@code scramUsers} (name → password) in its bootstrap metadata.
     */
    private static void format(Path logDir, Map<String, String> scramUsers) throws Exception {
        List<String> scram = new ArrayList<>();
        scramUsers.forEach((name, password) ->
                scram.add(SASL_MECHANISM + "=[name=" + name + ",password=" + password + "]"));
        new Formatter()
                .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setIgnoreFormatted(true)
                .setScramArguments(scram)
                .run();
    }

    /** The broker's data directory (deleted on close when it was a temporary one). */
    public Path logDir() {
        return logDir;
    }

    /** The address clients connect to: the PLAINTEXT listener, or the SASL_SSL one in SASL_SSL mode. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** {@code PLAINTEXT}, or {@code SASL_SSL} for a broker started with {@link #startSaslSsl}. */
    public String securityProtocol() {
        return certificate == null ? "PLAINTEXT" : "SASL_SSL";
    }

    /**
     * The PEM truststore clients of the SASL_SSL listener use ({@code ssl.truststore.type=PEM}): the broker's
     * self-signed certificate, which names 127.0.0.1 (host name verification can stay on). Empty in PLAINTEXT mode.
     * Deleted on {@link #close()}.
     */
    public Optional<Path> truststorePem() {
        return Optional.ofNullable(certificate).map(SelfSignedCertificate::certificatePem);
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            deleteRecursively(logDir);
        }
        if (certificateDir != null) {
            deleteRecursively(certificateDir);
        }
        LOG.info("Kafka stopped");
    }

    /**
     * The broker and controller ports for {@code logDir}: those it had before when the directory already holds a broker
     * (a restart comes back on the same address, as a real broker does, so clients reconnect), else two free ports,
     * recorded in {@value #LISTENERS_FILE}. The third port is the SASL_SSL listener's (used in that mode only; a file
     * written before that mode existed gets one added).
     */
    static int[] listenerPorts(Path logDir) {
        Path file = logDir.resolve(LISTENERS_FILE);
        try {
            if (Files.isRegularFile(file)) {
                Properties p = new Properties();
                try (var in = Files.newBufferedReader(file)) {
                    p.load(in);
                }
                int[] ports = {Integer.parseInt(p.getProperty("broker")), Integer.parseInt(p.getProperty("controller")),
                        p.containsKey("secure") ? Integer.parseInt(p.getProperty("secure")) : freePort()};
                if (!p.containsKey("secure")) {
                    Files.writeString(file, "secure=" + ports[2] + "\n", java.nio.file.StandardOpenOption.APPEND);
                }
                return ports;
            }
            int[] ports = {freePort(), freePort(), freePort()};
            Files.createDirectories(logDir);
            Files.writeString(file, "broker=" + ports[0] + "\ncontroller=" + ports[1] + "\nsecure=" + ports[2] + "\n");
            return ports;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read or write the listener ports in " + file + ": " + e.getMessage(), e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** Deletes a directory tree; failures are logged, not thrown (used on shutdown paths). */
    public static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", dir, e.getMessage());
        }
    }

}
