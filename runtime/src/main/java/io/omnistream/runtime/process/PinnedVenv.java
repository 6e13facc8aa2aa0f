package io.omnistream.runtime.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Python virtual environment that holds exactly a pinned requirements text: the Milvus Lite server's, the benchmark's
 * Python peer's. It counts as installed when its marker file equals the requirements byte for byte, so changing a pin
 * reinstalls it; installs are serialised across JVMs by a file lock beside the venv, and a venv half-built by a crash
 * is rebuilt ({@code venv --clear}) because its marker is written last. Progress of the (possibly minutes-long) install
 * is echoed to {@code System.out} with the spec's label.
 */
public final class PinnedVenv {
    static final String MARKER = ".omnistream-requirements.txt";

    /**
     * What to install.
     *
     * @param label          progress prefix and name in messages, e.g. {@code milvus-lite}
     * @param requirements   the pip requirements text (comments and hashes included), also the marker's content
     * @param pipFlags       extra {@code pip install} flags, e.g. {@code --require-hashes --no-deps}
     * @param installTimeout longest each of venv creation and pip install may take
     * @param whatNeedsIt    completes "... needs Python 3 with the venv module" in the error when Python is missing,
     *                       with the user's alternative if there is one
     */
    public record Spec(String label, String requirements, List<String> pipFlags, Duration installTimeout,
                       String whatNeedsIt) {
        public Spec {
            pipFlags = List.copyOf(pipFlags);
        }
    }

    private PinnedVenv() {}

    /** A text resource beside {@code owner} (a requirements file, a script), as UTF-8. */
    public static String resourceText(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Path of the interpreter inside {@code venv}. */
    public static Path python(Path venv) {
        return venv.resolve("bin").resolve("python");
    }

    public static boolean isInstalled(Path venv, String requirements) {
        Path marker = venv.resolve(MARKER);
        try {
            return Files.isExecutable(python(venv)) && Files.isRegularFile(marker)
                    && Files.readString(marker).equals(requirements);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Installs {@code spec} into {@code venv} unless it is there already; returns the venv's interpreter.
     *
     * @param systemPython interpreter that creates the venv, e.g. {@code python3}
     * @throws IllegalStateException with an actionable message when Python or its venv module is missing or pip fails
     */
    public static Path ensureInstalled(Path venv, String systemPython, Spec spec) {
        if (isInstalled(venv, spec.requirements())) {
            return python(venv);
        }
        try {
            Files.createDirectories(venv.toAbsolutePath().getParent());
            Path lockFile = venv.resolveSibling(venv.getFileName() + ".lock");
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                if (!isInstalled(venv, spec.requirements())) { // another JVM may have installed it meanwhile
                    install(venv, systemPython, spec);
                }
                return python(venv);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot install " + spec.label() + " into " + venv + ": " + e.getMessage(), e);
        }
    }

    private static void install(Path venv, String systemPython, Spec spec) throws IOException {
        checkPython(systemPython, spec);
        String prefix = "[" + spec.label() + "]   ";
        long timeoutSeconds = spec.installTimeout().toSeconds();
        Path req = Files.createTempFile(spec.label() + "-requirements", ".txt");
        try {
            Files.writeString(req, spec.requirements());
            System.out.println("[" + spec.label() + "] creating venv " + venv);
            EchoedCommand.run(List.of(systemPython, "-m", "venv", "--clear", venv.toString()), prefix, timeoutSeconds,
                    TimeUnit.SECONDS);
            System.out.println("[" + spec.label() + "] installing the pinned packages into " + venv);
            List<String> pip = new ArrayList<>(List.of(python(venv).toString(), "-m", "pip", "install",
                    "--disable-pip-version-check"));
            pip.addAll(spec.pipFlags());
            pip.addAll(List.of("-r", req.toString()));
            EchoedCommand.run(pip, prefix, timeoutSeconds, TimeUnit.SECONDS);
            Files.writeString(venv.resolve(MARKER), spec.requirements());
            System.out.println("[" + spec.label() + "] installed into " + venv);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("installing " + spec.label() + " into " + venv + " failed: "
                    + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(req);
        }
    }

    private static void checkPython(String systemPython, Spec spec) {
        try {
            EchoedCommand.run(List.of(systemPython, "-c", "import venv, ensurepip"), "[" + spec.label() + "]   ", 30,
                    TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("'" + systemPython + "' not found: " + spec.whatNeedsIt()
                    + " needs Python 3 with the venv module (e.g. apt-get install python3 python3-venv)", e);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("'" + systemPython + "' has no venv/ensurepip module: " + spec.whatNeedsIt()
                    + " needs it (e.g. apt-get install python3-venv): " + e.getMessage(), e);
        }
    }
}
