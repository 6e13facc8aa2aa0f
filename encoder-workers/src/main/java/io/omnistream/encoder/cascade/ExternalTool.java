package io.omnistream.encoder.cascade;

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
 * worker needs: a hard timeout (the process is killed), bounded memory (stdout is capped, stderr goes to a temp file
 * of which only the last line is kept), stdin fed from a byte array on its own thread (no pipe deadlock).
 */
public final class ExternalTool {
    /** What a run produced. */
    public record Result(int exitCode, byte[] stdout, String stderrLastLine) {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    private ExternalTool() {}

    /**
     * @param stdin          bytes to write to the process (null = none)
     * @param maxStdoutBytes output beyond this is an error (a runaway tool must not exhaust the heap)
     * @throws ToolUnavailableException if the binary cannot be started, times out or is interrupted
     */
    public static Result run(List<String> command, byte[] stdin, Duration timeout, int maxStdoutBytes) {
        Path stderr = null;
        Process process;
        try {
            stderr = Files.createTempFile("omnistream-tool", ".err");
            process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        } catch (IOException e) {
            deleteQuietly(stderr);
            throw new ToolUnavailableException("cannot run '" + command.get(0) + "' (" + e.getMessage()
                    + "); install the media tools with scripts/install-media-tools.sh", e);
        }
        try {
            Thread feeder = new Thread(() -> feed(process, stdin), "tool-stdin-" + command.get(0));
            feeder.setDaemon(true);
            feeder.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> drain(process.getInputStream(), out, maxStdoutBytes),
                    "tool-stdout-" + command.get(0));
            reader.setDaemon(true);
            reader.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new ToolUnavailableException("'" + command.get(0) + "' did not finish within "
                        + timeout.toMillis() + " ms and was killed");
            }
            reader.join(timeout.toMillis());
            if (out.size() > maxStdoutBytes) {
                throw new IllegalStateException("'" + command.get(0) + "' wrote more than " + maxStdoutBytes
                        + " bytes to stdout");
            }
            return new Result(process.exitValue(), out.toByteArray(), lastLine(stderr));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ToolUnavailableException("interrupted while '" + command.get(0) + "' ran", e);
        } finally {
            process.destroyForcibly();
            deleteQuietly(stderr);
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

    private static String lastLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip).filter(l -> !l.isEmpty()).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "";
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
