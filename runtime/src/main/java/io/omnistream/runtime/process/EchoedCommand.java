package io.omnistream.runtime.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived helper command (venv creation, pip, a benchmark script) to completion with its output echoed
 * to {@code System.out} as progress, line by line with a prefix: for commands a person waits for at a terminal.
 * Long-running children with their own log files are {@link ChildProcess}es.
 */
public final class EchoedCommand {
    /** Lines of output kept for the error message of a failed command. */
    private static final int TAIL_LINES = 20;

    private EchoedCommand() {}

    /**
     * Runs {@code command} to completion, echoing stdout and stderr (merged) line by line with {@code prefix}.
     *
     * @return every output line, in order
     * @throws IOException           when the program cannot be started (e.g. not installed)
     * @throws IllegalStateException on a non-zero exit, a timeout or an interrupt, with the output's tail
     */
    public static List<String> run(List<String> command, String prefix, long timeout, TimeUnit unit) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        // drained on its own thread so the deadline holds while the child still writes (or hangs without writing)
        Thread drain = new Thread(() -> {
            try (var reader = p.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    System.out.println(prefix + line);
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output lost: " + e.getMessage() + ")");
            }
        }, "echoed-command-output");
        drain.setDaemon(true);
        drain.start();
        try {
            if (!p.waitFor(timeout, unit)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeout + " " + unit + ": " + String.join(" ", command));
            }
            drain.join(TimeUnit.SECONDS.toMillis(10)); // the pipe closes with the child; the rest is buffered
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
        if (p.exitValue() != 0) {
            List<String> all = List.copyOf(lines);
            throw new IllegalStateException("exit code " + p.exitValue() + " from " + String.join(" ", command) + "\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - TAIL_LINES), all.size())));
        }
        return List.copyOf(lines);
    }
}
