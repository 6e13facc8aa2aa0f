package io.omnistream.launcher.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.runtime.process.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry (the in-memory flavour of {@code io.apicurio:apicurio-registry-app:<version>:zip:all}) run as a
 * child JVM: the schema registry of the multi-process stack, shared by every process that names
 * {@link #confluentUrl()} as {@code schema.registry.url} (a {@code mock://} registry is per JVM, so processes would
 * disagree on schema ids). Clients use the official Confluent client against its Confluent-compatible API.
 *
 * <p>Guarantees: {@link #start()} returns only after {@code GET /apis/ccompat/v7/subjects} answered 200 (logging
 * progress every {@value #PROGRESS_EVERY_S} s while waiting); HTTP is bound to 127.0.0.1 only (health at
 * {@code /health/ready} on the same port; the build has no separate management interface); the registry never
 * outlives this JVM: a shutdown hook stops it, and the {@link ParentWatchdog} agent in the child exits when this JVM
 * is gone, which also covers {@code kill -9}; {@link #close()} sends SIGTERM (Quarkus's graceful stop) and kills after
 * {@link Builder#stopGrace}.
 *
 * <p>Storage: the registry's SQL storage on H2 inside the child, in memory by default (schemas and ids are lost when it
 * stops), or in files with {@link Builder#storageDir} (the build's {@code REGISTRY_DATASOURCE_URL}), which a
 * registry started again on the same directory reads back: same subjects, same ids, as a restart of a production
 * registry must keep them. Start-up takes about 10-20 s of one core (Quarkus on the JVM).
 */
public final class ApicurioRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistry.class);
    /** System property, then environment variable, naming the unpacked distribution (see {@link #defaultHome()}). */
    public static final String HOME_PROPERTY = "omnistream.apicurio.home";
    public static final String HOME_ENV = "OMNISTREAM_APICURIO_HOME";
    static final String CCOMPAT_PATH = "/apis/ccompat/v7";
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(250);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Builder settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private ChildProcess child;
    private int port;
    private ServerInfo info;

    /** What the registry reports about itself ({@code GET /apis/registry/v2/system/info}). */
    public record ServerInfo(String name, String version) {
        @Override
        public String toString() {
            return name + " " + version;
        }
    }

    private ApicurioRegistry(Builder settings) {
        this.settings = settings;
    }

    /** @param workDir working directory of the child (Narayana's object store) and default place of its log */
    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    /**
     * The unpacked distribution named by {@value #HOME_PROPERTY} or {@value #HOME_ENV} (the launcher's and images'
     * integration tests set the property to the copy Maven unpacks at {@code pre-integration-test}).
     *
     * @throws IllegalStateException if neither is set
     */
    public static Path defaultHome() {
        String home = Optional.ofNullable(System.getProperty(HOME_PROPERTY)).orElse(System.getenv(HOME_ENV));
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("no Apicurio Registry distribution: set -D" + HOME_PROPERTY + " or "
                    + HOME_ENV + " to the unpacked io.apicurio:apicurio-registry-app:zip:all");
        }
        return Path.of(home);
    }

    /**
     * Starts the child JVM and blocks until the Confluent-compatible API answers.
     *
     * @throws IllegalStateException if the distribution is missing, the process exits early or does not answer within
     *                               {@link Builder#startupTimeout}; the message carries the tail of the log
     */
    public synchronized ApicurioRegistry start() {
        if (child != null) {
            throw new IllegalStateException("already started on port " + port);
        }
        long t0 = System.nanoTime();
        try {
            Path runner = runnerJar(settings.home);
            Files.createDirectories(settings.workDir);
            Path log = settings.logFile != null ? settings.logFile : settings.workDir.resolve("apicurio-registry.log");
            port = settings.port > 0 ? settings.port : ChildProcess.freeLoopbackPort();
            Path agent = ParentWatchdog.agentJar(settings.workDir);
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-javaagent:" + agent + "=" + ProcessHandle.current().pid(),
                    "-Xmx" + settings.maxHeapMb + "m",
                    // a local registry needs quick start-up, not peak throughput: C1 only, one serial collector
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.log.console.color=false",
                    "-jar", runner.toString()));
            ProcessBuilder pb = new ProcessBuilder(command).directory(settings.workDir.toFile());
            // stdin stays a pipe from this JVM on purpose: its EOF tells the child's ParentWatchdog we are gone.
            // this JVM's options (heap, agents) are not the registry's; its own flags are the command line above
            pb.environment().keySet().removeIf(k -> k.equals("JAVA_TOOL_OPTIONS") || k.equals("_JAVA_OPTIONS")
                    || k.equals("JDK_JAVA_OPTIONS"));
            if (settings.storageDir != null) {
                Files.createDirectories(settings.storageDir);
                pb.environment().put("REGISTRY_DATASOURCE_URL", "jdbc:h2:file:" + settings.storageDir.resolve("registry"));
            }
            LOG.info("starting Apicurio Registry on 127.0.0.1:{} ({}, log {})", port, runner, log);
            child = ChildProcess.start("Apicurio Registry", pb, log, settings.stopGrace);
            URI probe = URI.create(confluentUrl() + "/subjects");
            child.awaitReady(settings.startupTimeout, PROBE_INTERVAL, "GET " + probe + " = 200", () -> {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return r.statusCode() == 200 ? null : "HTTP " + r.statusCode();
            });
            info = fetchInfo();
            LOG.info("{} ready at {} (pid {}) in {} ms", info, confluentUrl(), child.pid(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot start Apicurio Registry: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private ServerInfo fetchInfo() throws IOException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/apis/registry/v2/system/info"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("system/info answered HTTP " + r.statusCode() + ": " + r.body());
            }
            JsonNode node = JSON.readTree(r.body());
            return new ServerInfo(node.path("name").asText("?"), node.path("version").asText("?"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The one {@code *-runner.jar} at the top of the distribution (its manifest names {@code lib/}). */
    static Path runnerJar(Path home) throws IOException {
        if (!Files.isDirectory(home)) {
            throw new IllegalStateException("Apicurio Registry distribution " + home + " is not a directory");
        }
        try (Stream<Path> files = Files.list(home)) {
            List<Path> runners = files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).toList();
            if (runners.size() != 1) {
                throw new IllegalStateException("expected one *-runner.jar in " + home + ", found " + runners);
            }
            return runners.get(0);
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The Confluent-compatible API, the value of {@code schema.registry.url}. */
    public String confluentUrl() {
        return baseUrl() + CCOMPAT_PATH;
    }

    /** Name and version the running registry reports; {@code null} before {@link #start()} returned. */
    public ServerInfo info() {
        return info;
    }

    public int port() {
        return port;
    }

    /** The child process, e.g. to check that it is gone; empty before {@link #start()}. */
    public Optional<ProcessHandle> processHandle() {
        return Optional.ofNullable(child).map(ChildProcess::handle);
    }

    public boolean isRunning() {
        return child != null && child.isRunning();
    }

    /** Stops the registry (SIGTERM, then forced after the grace period). Idempotent. */
    @Override
    public synchronized void close() {
        if (child != null) {
            child.close();
        }
    }

    /** Settings; every one has a default except the working directory. */
    public static final class Builder {
        private final Path workDir;
        private Path home;
        private int port;
        private Path logFile;
        private int maxHeapMb = 512;
        private Duration startupTimeout = Duration.ofSeconds(90);
        private Duration stopGrace = Duration.ofSeconds(10);
        private Path storageDir;

        private Builder(Path workDir) {
            this.workDir = Objects.requireNonNull(workDir, "workDir").toAbsolutePath();
        }

        /** The unpacked {@code apicurio-registry-app-*-all.zip}; default {@link #defaultHome()}. */
        public Builder home(Path home) {
            this.home = Objects.requireNonNull(home, "home").toAbsolutePath();
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

        /**
         * Keep schemas and ids in H2 files in {@code dir} instead of memory, so that a registry started again on the
         * same directory (stopped gracefully before) has them all; default: in memory.
         */
        public Builder storageDir(Path dir) {
            this.storageDir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
            return this;
        }

        /** Child stdout+stderr, appended; default {@code <workDir>/apicurio-registry.log}. */
        public Builder logFile(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        /** Heap of the child in MiB (at least 128; default 512). */
        public Builder maxHeapMb(int maxHeapMb) {
            if (maxHeapMb < 128) {
                throw new IllegalArgumentException("maxHeapMb must be at least 128, got " + maxHeapMb);
            }
            this.maxHeapMb = maxHeapMb;
            return this;
        }

        /** How long start() waits for the Confluent API to answer, from the launch of the child. */
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

        public ApicurioRegistry build() {
            if (home == null) {
                home = defaultHome().toAbsolutePath();
            }
            return new ApicurioRegistry(this);
        }
    }
}
