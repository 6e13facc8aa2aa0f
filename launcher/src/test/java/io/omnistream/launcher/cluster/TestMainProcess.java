package io.omnistream.launcher.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code main} of the test classpath run in a JVM of its own (a second process, as a service of the multi-process
 * stack is), with this JVM's classpath and Apicurio distribution property. Output goes to a file, read with
 * {@link #output()}.
 */
final class TestMainProcess implements AutoCloseable {
    private final Process process;
    private final Path output;

    private TestMainProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static TestMainProcess start(Path dir, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path")));
        for (String property : List.of(ApicurioRegistry.HOME_PROPERTY, "log4j2.configurationFile")) {
            if (System.getProperty(property) != null) {
                command.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        command.add(main.getName());
        command.addAll(List.of(args));
        try {
            Files.createDirectories(dir);
            Path output = Files.createTempFile(dir, main.getSimpleName(), ".out");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            return new TestMainProcess(p, output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + main.getName(), e);
        }
    }

    /** Waits for the exit and returns the status; kills the child and fails after {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not exit within " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** The value of the first output line {@code key=value}, or null. */
    String value(String key) {
        return output().lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                .findFirst().orElse(null);
    }

    String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
