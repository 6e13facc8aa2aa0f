package io.omnistream.launcher.cluster;

import io.omnistream.runtime.process.ChildProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One child JVM of the multi-process stack, tied to this JVM by the {@link ParentWatchdog} agent (it exits when this
 * JVM is gone, also after {@code kill -9}): {@code java -javaagent:<watchdog>=<our pid> <jvm flags> -cp @<file> <main>
 * <args>}, stdin a pipe from this JVM, stdout and stderr appended to one log file (no pipe can fill up and block it).
 * The process itself (log, readiness waits, stop, peak memory) is a {@link ChildProcess}.
 *
 * <p>The environment is this JVM's minus {@code OMNISTREAM_*} and the JVM option variables (a child's settings are
 * its command line and {@link Builder#env}, nothing inherited by accident).
 */
public final class ChildJvm implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration POLL = Duration.ofMillis(250);
    /** Longest SIGTERM-to-SIGKILL wait of {@link #close()} and of the JVM's shutdown hook. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String component;
    private final ChildProcess process;

    private ChildJvm(String component, ChildProcess process) {
        this.component = component;
        this.process = process;
    }

    public static Builder builder(String component, String mainClass) {
        return new Builder(component, mainClass);
    }

    public String component() {
        return component;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return process.log();
    }

    public boolean isAlive() {
        return process.isRunning();
    }

    /**
     * Polls {@code url} until it answers 200, printing a progress line to {@code out} every 5 s.
     *
     * @throws IllegalStateException if the process exits first or the timeout passes; the message carries the log's tail
     */
    public void awaitHttpOk(String url, Duration timeout, PrintStream out) {
        await("GET " + url + " = 200", timeout, out, () -> {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Waits for a line of the log starting with {@code prefix} and returns the rest of it. */
    public String awaitLogLine(String prefix, Duration timeout, PrintStream out) {
        String[] found = new String[1];
        await("a line '" + prefix + "...' in " + log(), timeout, out, () -> {
            found[0] = logLines().stream().filter(l -> l.startsWith(prefix)).findFirst()
                    .map(l -> l.substring(prefix.length()).strip()).orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    /** A check that may be retried; {@link InterruptedException} ends the wait. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws InterruptedException;
    }

    /**
     * Polls {@code condition} every 250 ms while this process lives, for at most {@code timeout}, printing
     * {@code what} with the elapsed seconds every 5 s.
     *
     * @throws IllegalStateException if the process exits first or the timeout passes (with the log's tail)
     */
    public void await(String what, Duration timeout, PrintStream out, Condition condition) {
        process.awaitReady(timeout, POLL, what, () -> condition.holds() ? null : "not yet",
                seconds -> out.printf("  waiting for %s: %s (%d s)%n", component, what, seconds));
    }

    /** Peak resident set size in KiB (see {@link ChildProcess#peakRssKb()}). */
    public OptionalLong peakRssKb() {
        return process.peakRssKb();
    }

    /** {@code kill -9}: the process gets no chance to clean up (what a crash looks like to its peers). */
    public void kill() throws InterruptedException {
        process.kill();
    }

    /** SIGTERM, then SIGKILL after the stop grace; returns the exit status. Idempotent. */
    public int stop() {
        process.close();
        return process.exitStatus();
    }

    @Override
    public void close() {
        stop();
    }

    /** The last {@code n} lines of the log. */
    public String tail(int n) {
        return process.tail(n);
    }

    private List<String> logLines() {
        try {
            return Files.exists(log()) ? Files.readAllLines(log()) : List.of();
        } catch (IOException e) {
            return List.of("(log unreadable: " + e.getMessage() + ")");
        }
    }

    /** How to start the child; every setting but the component name and main class has a default. */
    public static final class Builder {
        private final String component;
        private final String mainClass;
        private final List<Path> classpath = new ArrayList<>();
        private final List<String> jvmFlags = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path workDir;
        private Path log;

        private Builder(String component, String mainClass) {
            this.component = Objects.requireNonNull(component);
            this.mainClass = Objects.requireNonNull(mainClass);
        }

        public Builder classpath(List<Path> entries) {
            classpath.addAll(entries);
            return this;
        }

        public Builder jvmFlags(String... flags) {
            jvmFlags.addAll(List.of(flags));
            return this;
        }

        public Builder jvmFlags(List<String> flags) {
            jvmFlags.addAll(flags);
            return this;
        }

        public Builder args(String... values) {
            args.addAll(List.of(values));
            return this;
        }

        /** A {@code -D key=value} pair for a service on {@code ServiceRuntime} (highest configuration layer). */
        public Builder set(String key, Object value) {
            args.addAll(List.of("-D", key + "=" + value));
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** Working directory (created); also holds the classpath file and the watchdog agent jar. */
        public Builder workDir(Path dir) {
            this.workDir = dir.toAbsolutePath();
            return this;
        }

        /** stdout + stderr, appended; default {@code <workDir>/<component>.log}. */
        public Builder log(Path file) {
            this.log = file.toAbsolutePath();
            return this;
        }

        /** Starts the process (does not wait for it to be ready). */
        public ChildJvm start() {
            if (workDir == null || classpath.isEmpty()) {
                throw new IllegalStateException(component + ": workDir and classpath are required");
            }
            try {
                Files.createDirectories(workDir);
                Path logFile = Optional.ofNullable(log).orElse(workDir.resolve(component + ".log"));
                Files.createDirectories(logFile.getParent());
                Path cpFile = workDir.resolve(component + ".classpath");
                Files.writeString(cpFile, classpath.stream().map(Path::toString).collect(Collectors.joining(":")));
                List<String> command = new ArrayList<>(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-javaagent:" + ParentWatchdog.agentJar(workDir) + "=" + ProcessHandle.current().pid()));
                command.addAll(jvmFlags);
                command.addAll(List.of("-cp", "@" + cpFile, mainClass));
                command.addAll(args);
                ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
                // stdin stays a pipe from this JVM on purpose: its EOF tells the child's ParentWatchdog we are gone
                Predicate<String> inherited = k -> k.startsWith("OMNISTREAM_") || k.equals("JAVA_TOOL_OPTIONS")
                        || k.equals("_JAVA_OPTIONS") || k.equals("JDK_JAVA_OPTIONS");
                pb.environment().keySet().removeIf(inherited);
                pb.environment().putAll(env);
                Files.writeString(logFile, "# " + String.join(" ", command) + "\n",
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                return new ChildJvm(component, ChildProcess.start(component, pb, logFile, STOP_GRACE));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + component + ": " + e.getMessage(), e);
            }
        }
    }
}
