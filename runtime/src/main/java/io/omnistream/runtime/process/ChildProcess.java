package io.omnistream.runtime.process;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server this JVM runs as a child process (Milvus Lite, Apicurio Registry, the processes of the multi-process
 * stack): started with its output appended to a log file, watched until it is ready, and stopped with it.
 *
 * <p>Guarantees: the child is stopped when this JVM shuts down normally (a shutdown hook) and by {@link #close()}
 * (SIGTERM, then SIGKILL after the stop grace). Surviving a {@code kill -9} of this JVM is the child's side of the
 * contract: its stdin stays a pipe from this JVM, whose EOF it must treat as "parent gone" (Milvus Lite's launcher
 * script and {@code ParentWatchdog} for child JVMs do).
 */
public final class ChildProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
    /** Lines of the log quoted in an error. */
    private static final int TAIL_LINES = 30;

    /** One readiness check: null when ready, else what was seen (kept for the error); may throw. */
    @FunctionalInterface
    public interface Probe {
        String check() throws Exception;
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final Duration stopGrace;
    private Thread shutdownHook;
    private long peakRssKb = -1;

    private ChildProcess(String name, Process process, Path log, Duration stopGrace) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stopGrace = stopGrace;
    }

    /**
     * Starts {@code command} (its stdout and stderr appended to {@code log}, stdin a pipe from this JVM) and registers
     * the shutdown hook.
     *
     * @param name      for log lines and errors, e.g. {@code "milvus-lite"}
     * @param stopGrace how long {@link #close()} waits after SIGTERM before SIGKILL
     */
    public static ChildProcess start(String name, ProcessBuilder command, Path log, Duration stopGrace) throws IOException {
        Objects.requireNonNull(name, "name");
        if (stopGrace.isNegative()) {
            throw new IllegalArgumentException("stopGrace must not be negative");
        }
        Files.createDirectories(log.toAbsolutePath().getParent());
        command.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        ChildProcess child = new ChildProcess(name, command.start(), log, stopGrace);
        child.shutdownHook = new Thread(child::stop, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(child.shutdownHook);
        return child;
    }

    /**
     * Blocks until {@code probe} reports ready, logging progress every 5 s.
     *
     * @throws IllegalStateException when the child exits first, or {@code timeout} passes (with the last probe result
     *                               and the tail of the log), or the thread is interrupted
     */
    public void awaitReady(Duration timeout, Duration probeInterval, String what, Probe probe) {
        awaitReady(timeout, probeInterval, what, probe,
                seconds -> LOG.info("waiting for {} ({}; {} s)", name, what, seconds));
    }

    /**
     * As {@link #awaitReady(Duration, Duration, String, Probe)}, telling {@code progress} the seconds waited every 5 s
     * (e.g. a command's console line instead of a log line).
     */
    public void awaitReady(Duration timeout, Duration probeInterval, String what, Probe probe,
                           java.util.function.LongConsumer progress) {
        String last = Readiness.await(name, timeout, probeInterval, probe, new Readiness.Watch() {
            @Override
            public void check() {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with code " + process.exitValue()
                            + " before answering; log " + log + ":\n" + tail());
                }
            }

            @Override
            public void pause(long millis) throws InterruptedException {
                // waitFor doubles as the pause and as early detection of a crashed child
                process.waitFor(millis, TimeUnit.MILLISECONDS);
            }
        }, progress);
        if (last != null) {
            throw new IllegalStateException(name + " did not answer (" + what + ") within " + timeout.toSeconds()
                    + " s (last: " + last + "); log " + log + ":\n" + tail());
        }
    }

    public long pid() {
        return process.pid();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** The last lines of the child's log, for errors. */
    public String tail() {
        return tail(TAIL_LINES);
    }

    /** The last {@code n} lines of the child's log. */
    public String tail(int n) {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** The exit status, or -1 while it runs. */
    public int exitStatus() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /**
     * Peak resident set size in KiB ({@code VmHWM} of {@code /proc/<pid>/status}): the kernel keeps the maximum, so
     * one read before the stop is enough; the last value read is kept once the process is gone. Empty where /proc is
     * not available.
     */
    public synchronized OptionalLong peakRssKb() {
        if (process.isAlive()) {
            vmHwmKb(process.pid()).ifPresent(kb -> peakRssKb = kb);
        }
        return peakRssKb < 0 ? OptionalLong.empty() : OptionalLong.of(peakRssKb);
    }

    /** {@code VmHWM} (peak resident set) of any process in KiB; empty when it is gone or there is no procfs. */
    public static OptionalLong vmHwmKb(long pid) {
        return procStatusKb(pid, "VmHWM:");
    }

    /** {@code VmRSS} (resident set now) of any process in KiB; empty when it is gone or there is no procfs. */
    public static OptionalLong vmRssKb(long pid) {
        return procStatusKb(pid, "VmRSS:");
    }

    private static OptionalLong procStatusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone, or no procfs
        }
        return OptionalLong.empty();
    }

    /** {@code kill -9}: the child gets no chance to clean up (what a crash looks like to its peers). */
    public void kill() throws InterruptedException {
        peakRssKb();
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops the child (SIGTERM, then SIGKILL after the stop grace). Idempotent. */
    @Override
    public synchronized void close() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or will run; stopping twice is harmless
            }
            shutdownHook = null;
        }
        stop();
    }

    private void stop() {
        peakRssKb();
        if (!process.isAlive()) {
            return;
        }
        // SIGTERM through the handle, not Process.destroy(): that also closes our end of the child's stdin, which a
        // child watching its stdin for its parent's death (the watchdog agent, Milvus Lite) would read as "parent
        // gone" and race its own graceful stop, ending with the wrong exit status.
        process.toHandle().destroy();
        try {
            if (!process.waitFor(stopGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} did not stop within {} ms; killing it", name, stopGrace.toMillis());
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(process.getOutputStream());
        }
    }

    private static void closeQuietly(OutputStream stdin) {
        try {
            stdin.close();
        } catch (IOException e) {
            // the child is gone; a failed close of its stdin pipe changes nothing
        }
    }

    /**
     * A free TCP port on the loopback interface. Small race: the port can be taken before the child binds it; the
     * child then exits and {@link #awaitReady} fails with its log, which names the bind error.
     */
    public static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
