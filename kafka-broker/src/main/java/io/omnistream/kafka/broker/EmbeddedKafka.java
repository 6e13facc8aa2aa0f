package io.omnistream.kafka.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
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
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** Largest record the embedded broker accepts: 32 MiB. */
    public static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
    /** File in the data directory recording the listener ports, so that a restart keeps the broker's address. */
    static final String LISTENERS_FILE = "omnistream-listeners.properties";

    private final Path logDir;
    private final boolean deleteOnClose;
    private final int brokerPort;
    private final KafkaRaftServer server;

    private EmbeddedKafka(Path logDir, boolean deleteOnClose, int brokerPort, KafkaRaftServer server) {
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
        this.brokerPort = brokerPort;
        this.server = server;
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
        int[] ports = listenerPorts(logDir);
        int brokerPort = ports[0];
        int controllerPort = ports[1];
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
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
                format(logDir);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
        LOG.info("Kafka (KRaft) started on 127.0.0.1:{} with data in {}", brokerPort, logDir);
        return new EmbeddedKafka(logDir, deleteOnClose, brokerPort, server);
    }

    /** Formats {@code logDir} as the storage of a new single-node KRaft cluster (node 1, a fresh cluster id). */
    private static void format(Path logDir) throws Exception {
        new Formatter()
                .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setIgnoreFormatted(true)
                .run();
    }

    /** The broker's data directory (deleted on close when it was a temporary one). */
    public Path logDir() {
        return logDir;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            deleteRecursively(logDir);
        }
        LOG.info("Kafka stopped");
    }

    /**
     * The broker and controller ports for {@code logDir}: those it had before when the directory already holds a broker
     * (a restart comes back on the same address, as a real broker does, so clients reconnect), else two free ports,
     * recorded in {@value #LISTENERS_FILE}.
     */
    static int[] listenerPorts(Path logDir) {
        Path file = logDir.resolve(LISTENERS_FILE);
        try {
            if (Files.isRegularFile(file)) {
                Properties p = new Properties();
                try (var in = Files.newBufferedReader(file)) {
                    p.load(in);
                }
                return new int[] {Integer.parseInt(p.getProperty("broker")), Integer.parseInt(p.getProperty("controller"))};
            }
            int[] ports = {freePort(), freePort()};
            Files.createDirectories(logDir);
            Files.writeString(file, "broker=" + ports[0] + "\ncontroller=" + ports[1] + "\n");
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
