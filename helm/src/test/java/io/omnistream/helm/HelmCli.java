package io.omnistream.helm;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real helm CLI, run as a child process. Found through (first wins) the environment variable OMNISTREAM_HELM,
 * ~/.omnistream/tools/bin/helm (where helm/scripts/install-helm.sh puts it) or PATH. Helm's cache, config and data
 * directories point into a private temporary directory so that a developer's repositories and plugins play no part.
 */
final class HelmCli {
    /** Longest a single helm command may take; lint/template of this chart take well under a second. */
    private static final long TIMEOUT_SECONDS = 120;

    /** Outcome of one command: exit code and both output streams. */
    record Result(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        /** Both streams, for assertion messages. */
        String describe() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    private final Path binary;
    private final Path home;

    private HelmCli(Path binary, Path home) {
        this.binary = binary;
        this.home = home;
    }

    /**
     * The helm binary, or empty when none is installed. A set OMNISTREAM_HELM that names no executable is an error
     * (it was configured, so a skip would hide the mistake).
     */
    static Optional<Path> locate() {
        String configured = System.getenv("OMNISTREAM_HELM");
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException("OMNISTREAM_HELM=" + configured + " is not an executable file");
            }
            return Optional.of(p);
        }
        Path tools = Path.of(System.getProperty("user.home"), ".omnistream", "tools", "bin", "helm");
        if (Files.isExecutable(tools)) {
            return Optional.of(tools);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, "helm");
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    static HelmCli at(Path binary, Path privateHome) {
        return new HelmCli(binary, privateHome);
    }

    Path binary() {
        return binary;
    }

    Result run(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(args);
        try {
            Path out = Files.createTempFile(home, "helm-out", ".txt");
            Path err = Files.createTempFile(home, "helm-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> env = pb.environment();
            env.put("HELM_CACHE_HOME", home.resolve("cache").toString());
            env.put("HELM_CONFIG_HOME", home.resolve("config").toString());
            env.put("HELM_DATA_HOME", home.resolve("data").toString());
            env.remove("KUBECONFIG");
            Process process = pb.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("helm did not finish within " + TIMEOUT_SECONDS + " s: " + command);
            }
            return new Result(process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    Result run(String... args) {
        return run(List.of(args));
    }
}
