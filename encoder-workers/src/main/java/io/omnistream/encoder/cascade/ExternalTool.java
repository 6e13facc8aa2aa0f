package io.omnistream.encoder.cascade;

import io.omnistream.runtime.error.PermanentFailureException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a recogniser or codec binary (tesseract, pocketsphinx, ffmpeg) as a child process, with the guarantees the
 * worker needs: confinement by the {@link ToolSandbox} (rlimits, no network), a hard timeout (the process is killed),
 * bounded memory (stdout is capped; of stderr only the last {@link ToolSandbox.Limits#stderrTailBytes()} bytes are
 * kept, in memory: no temp file), stdin fed from a byte array on its own thread (no pipe deadlock).
 *
 * <p>A tool killed by SIGXCPU or SIGXFSZ went over its CPU-time or file-size rlimit: that is a budget the input
 * exceeded, reported as a {@link PermanentFailureException}.
 */
public final class ExternalTool {
    /** Linux signal numbers of the rlimit kills; a process killed by signal s exits with 128 + s. */
    static final int SIGXCPU = 24;
    static final int SIGXFSZ = 25;

    /** What a run produced. */
    public record Result(int exitCode, byte[] stdout, String stderrTail) {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** The last non-blank line the tool wrote to stderr; "" if none. */
        public String stderrLastLine() {
            List<String> lines = stderrTail.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    private ExternalTool() {}

    /** {@link #run(ToolSandbox, List, byte[], Duration, int)} in the {@linkplain ToolSandbox#current() current} sandbox. */
    public static Result run(List<String> command, byte[] stdin, Duration timeout, int maxStdoutBytes) {
        return run(ToolSandbox.current(), command, stdin, timeout, maxStdoutBytes);
    }

    /**
     * @param stdin          bytes to write to the process (null = none)
     * @param maxStdoutBytes output beyond this is an error (a runaway tool must not exhaust the heap)
     * @throws ToolUnavailableException  if the binary cannot be started, times out or is interrupted
     * @throws PermanentFailureException if the tool was killed for exceeding its CPU-time or file-size limit
     */
    public static Result run(ToolSandbox sandbox, List<String> command, byte[] stdin, Duration timeout,
                             int maxStdoutBytes) {
        String tool = command.get(0);
        Process process;
        try {
            process = new ProcessBuilder(sandbox.wrap(command)).start();
        } catch (IOException e) {
            throw new ToolUnavailableException("cannot run '" + tool + "' (" + e.getMessage()
                    + "); install the media tools with scripts/install-media-tools.sh", e);
        }
        try {
            Thread feeder = new Thread(() -> feed(process, stdin), "tool-stdin-" + tool);
            feeder.setDaemon(true);
            feeder.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> drain(process.getInputStream(), out, maxStdoutBytes), "tool-stdout-" + tool);
            reader.setDaemon(true);
            reader.start();
            TailBuffer err = new TailBuffer(sandbox.limits().stderrTailBytes());
            Thread errReader = new Thread(() -> err.drain(process.getErrorStream()), "tool-stderr-" + tool);
            errReader.setDaemon(true);
            errReader.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new ToolUnavailableException("'" + tool + "' did not finish within "
                        + timeout.toMillis() + " ms and was killed");
            }
            reader.join(timeout.toMillis());
            errReader.join(timeout.toMillis());
            if (out.size() > maxStdoutBytes) {
                throw new IllegalStateException("'" + tool + "' wrote more than " + maxStdoutBytes
                        + " bytes to stdout");
            }
            int exit = process.exitValue();
            if (exit == 128 + SIGXCPU) {
                throw new PermanentFailureException("preprocess", "'" + tool + "' was killed after "
                        + sandbox.limits().maxCpuSeconds() + " s of CPU time, its budget (SIGXCPU)");
            }
            if (exit == 128 + SIGXFSZ) {
                throw new PermanentFailureException("preprocess", "'" + tool + "' was killed writing a file over "
                        + sandbox.limits().maxFileBytes() + " bytes, its budget (SIGXFSZ)");
            }
            return new Result(exit, out.toByteArray(), err.text());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ToolUnavailableException("interrupted while '" + tool + "' ran", e);
        } finally {
            process.destroyForcibly();
        }
    }

    /** First line the tool prints for {@code versionCommand} (stdout, else stderr), e.g. "tesseract 5.3.0". */
    public static String versionLine(List<String> versionCommand) {
        Result r = run(versionCommand, null, Duration.ofSeconds(20), 1 << 20);
        String text = r.stdoutText().isBlank() ? r.stderrLastLine() : r.stdoutText();
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
                .orElseThrow(() -> new ToolUnavailableException("'" + versionCommand.get(0) + "' printed no version"));
    }

    private static void feed(Process process, byte[] stdin) {
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        } catch (IOException ignored) {
            // the tool exited early or does not read stdin; its exit code tells what happened
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream out, int max) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (out.size() <= max) {
                    out.write(buf, 0, Math.min(n, max + 1 - out.size()));
                }
            }
        } catch (IOException ignored) {
            // process killed
        }
    }

    /** Keeps the last {@code capacity} bytes written to it (a ring buffer): a tool's stderr, bounded. */
    static final class TailBuffer {
        private final byte[] ring;
        private long written;

        TailBuffer(int capacity) {
            this.ring = new byte[capacity];
        }

        synchronized void write(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) {
                ring[(int) (written++ % ring.length)] = b[off + i];
            }
        }

        /** Reads {@code in} to its end, keeping the tail. */
        void drain(InputStream in) {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    write(buf, 0, n);
                }
            } catch (IOException ignored) {
                // process killed
            }
        }

        /** Bytes seen in all (also those no longer kept). */
        synchronized long written() {
            return written;
        }

        /** The kept tail as UTF-8 text (a multi-byte character cut at the start becomes U+FFFD). */
        synchronized String text() {
            int n = (int) Math.min(written, ring.length);
            byte[] out = new byte[n];
            int start = (int) ((written - n) % ring.length);
            for (int i = 0; i < n; i++) {
                out[i] = ring[(start + i) % ring.length];
            }
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    public static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // temp file; the OS cleans up
            }
        }
    }
}
