package io.omnistream.milvus.lite;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.omnistream.runtime.process.ChildProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Milvus Lite gRPC server ({@code milvus-lite server}, PyPI {@code milvus-lite}) run as a child process of this
 * JVM, for the embedded stack and integration tests. Clients talk to it with the ordinary Milvus Java SDK at
 * {@link #uri()}.
 *
 * <p>Guarantees: {@link #start()} returns only after a real gRPC call ({@code ListCollections}) succeeded; the
 * server never outlives the JVM (a shutdown hook stops it, and the Python side exits when its stdin pipe from this
 * JVM closes, which also covers {@code kill -9}); {@link #close()} asks for a graceful stop (SIGTERM, which the
 * launcher maps to milvus-lite's drain-and-close path) and kills after {@link Builder#stopGrace}.
 *
 * <p>Caveat: the data directory is locked by the server, so two servers cannot share one.
 */
public final class MilvusLiteServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MilvusLiteServer.class);
    private static final String LAUNCHER_RESOURCE = "milvus_lite_launcher.py";
    /** Pause between readiness probes; the probe itself has its own connect timeout. */
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(200);

    private final Builder settings;
    private ChildProcess child;
    private int port;

    private MilvusLiteServer(Builder settings) {
        this.settings = settings;
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Installs if needed, starts on a free port and waits until it answers. */
    public static MilvusLiteServer start(Path dataDir) {
        return builder(dataDir).build().start();
    }

    /**
     * Installs the venv if missing, starts the server and blocks until it answers a gRPC call.
     *
     * @throws IllegalStateException if Python/pip fail, the process exits early, or it does not answer within
     *                               {@link Builder#startupTimeout}; the message carries the tail of the server log
     */
    public synchronized MilvusLiteServer start() {
        if (child != null) {
            throw new IllegalStateException("already started on port " + port);
        }
        Path python = MilvusLiteInstaller.ensureInstalled(settings.venvDir, settings.systemPython);
        try {
            Files.createDirectories(settings.dataDir);
            Path log = settings.logFile != null ? settings.logFile : settings.dataDir.resolveSibling(
                    settings.dataDir.getFileName() + "-milvus-lite.log");
            port = settings.port > 0 ? settings.port : ChildProcess.freeLoopbackPort();
            List<String> command = new ArrayList<>(List.of(python.toString(), "-c", launcherScript(),
                    "server", "--data-dir", settings.dataDir.toAbsolutePath().toString(),
                    "--host", "127.0.0.1", "--port", Integer.toString(port)));
            ProcessBuilder pb = new ProcessBuilder(command);
            // stdin stays a pipe from this JVM on purpose: its EOF tells the server we are gone.
            pb.environment().put("PYTHONUNBUFFERED", "1");
            LOG.info("starting milvus-lite on 127.0.0.1:{} (data {}, log {})", port, settings.dataDir, log);
            child = ChildProcess.start("milvus-lite", pb, log, settings.stopGrace);
            child.awaitReady(settings.startupTimeout, PROBE_INTERVAL, "a gRPC ListCollections on " + uri(), this::probe);
            LOG.info("milvus-lite ready at {} (pid {})", uri(), child.pid());
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot start milvus-lite: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Ready when a real gRPC call succeeds. */
    private String probe() {
        MilvusClientV2 probe = new MilvusClientV2(ConnectConfig.builder().uri(uri())
                .connectTimeoutMs(1000).rpcDeadlineMs(2000).build());
        try {
            probe.listCollections();
            return null;
        } finally {
            probe.close();
        }
    }

    /** {@code http://127.0.0.1:<port>}, the URI for {@code ConnectConfig.uri} and {@code milvus.uri}. */
    public String uri() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public boolean isRunning() {
        return child != null && child.isRunning();
    }

    /** The server process (the Python launcher), e.g. to report its pid; empty before {@link #start()}. */
    public java.util.Optional<ProcessHandle> processHandle() {
        return java.util.Optional.ofNullable(child).map(ChildProcess::handle);
    }

    /** Stops the server (graceful, then forced after the grace period). Idempotent. */
    @Override
    public synchronized void close() {
        if (child != null) {
            child.close();
        }
    }

    private static String launcherScript() throws IOException {
        try (InputStream in = MilvusLiteServer.class.getResourceAsStream(LAUNCHER_RESOURCE)) {
            return new String(Objects.requireNonNull(in, LAUNCHER_RESOURCE).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Settings; every one has a default except the data directory. */
    public static final class Builder {
        private final Path dataDir;
        private Path venvDir = MilvusLiteInstaller.defaultVenvDir();
        private String systemPython = "python3";
        private int port;
        private Path logFile;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private Duration stopGrace = Duration.ofSeconds(10);

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /** Venv holding the pinned packages; installed on first start if missing. */
        public Builder venvDir(Path venvDir) {
            this.venvDir = Objects.requireNonNull(venvDir);
            return this;
        }

        /** Interpreter used only to create the venv. */
        public Builder systemPython(String systemPython) {
            this.systemPython = Objects.requireNonNull(systemPython);
            return this;
        }

        /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
            }
            this.port = port;
            return this;
        }

        /** Server stdout+stderr, appended; default {@code <dataDir>-milvus-lite.log} next to the data dir. */
        public Builder logFile(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        /** How long start() waits for the first successful gRPC call (excludes venv installation). */
        public Builder startupTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive");
            }
            this.startupTimeout = timeout;
            return this;
        }

        /** How long close() waits after SIGTERM before killing the process. */
        public Builder stopGrace(Duration grace) {
            if (grace.isNegative()) {
                throw new IllegalArgumentException("stopGrace must not be negative");
            }
            this.stopGrace = grace;
            return this;
        }

        public MilvusLiteServer build() {
            return new MilvusLiteServer(this);
        }
    }
}
