package io.omnistream.benchmarks.peer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ensures the Python venv of the benchmark's Python peer: exactly the packages of {@code peer-requirements.txt}
 * (onnxruntime, tokenizers, numpy), installed with {@code --require-hashes --no-deps --only-binary=:all:}, so what
 * runs is byte for byte the pinned wheels and nothing else. The venv counts as installed when its marker file equals
 * the requirements text, so changing a pin reinstalls; installs are serialised across JVMs by a file lock next to the
 * venv (the approach of {@code MilvusLiteInstaller}). A first install downloads ~40 MB.
 */
public final class PythonPeerVenv {
    static final String REQUIREMENTS_RESOURCE = "peer-requirements.txt";
    static final String MARKER = ".omnistream-requirements.txt";
    /** venv creation + pip download of ~40 MB on a slow link; runs once per machine. */
    private static final long INSTALL_TIMEOUT_MINUTES = 10;

    private PythonPeerVenv() {}

    /** Default location: {@code ~/.omnistream/bench-peer-venv}. */
    public static Path defaultVenvDir() {
        return Path.of(System.getProperty("user.home"), ".omnistream", "bench-peer-venv");
    }

    /** The pinned requirements text, comments and hashes included. */
    public static String requirements() {
        return resourceText(REQUIREMENTS_RESOURCE);
    }

    static String resourceText(String name) {
        try (InputStream in = PythonPeerVenv.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path python(Path venv) {
        return venv.resolve("bin").resolve("python");
    }

    public static boolean isInstalled(Path venv) {
        Path marker = venv.resolve(MARKER);
        try {
            return Files.isExecutable(python(venv)) && Files.isRegularFile(marker)
                    && Files.readString(marker).equals(requirements());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Installs the pinned packages into {@code venv} unless already there; returns the venv's interpreter.
     *
     * @param systemPython interpreter that creates the venv, e.g. {@code python3}
     * @throws IllegalStateException with an actionable message when Python or its venv module is missing or pip fails
     */
    public static Path ensureInstalled(Path venv, String systemPython) {
        if (isInstalled(venv)) {
            return python(venv);
        }
        try {
            Files.createDirectories(venv.toAbsolutePath().getParent());
            Path lockFile = venv.resolveSibling(venv.getFileName() + ".lock");
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                if (!isInstalled(venv)) { // another JVM may have installed it while we waited for the lock
                    install(venv, systemPython);
                }
                return python(venv);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot install the Python peer into " + venv + ": " + e.getMessage(), e);
        }
    }

    private static void install(Path venv, String systemPython) throws IOException {
        checkPython(systemPython);
        Path req = Files.createTempFile("bench-peer-requirements", ".txt");
        try {
            Files.writeString(req, requirements());
            System.out.println("[peer] creating venv " + venv);
            PeerProcess.run(List.of(systemPython, "-m", "venv", "--clear", venv.toString()), "[peer]   ",
                    INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES);
            System.out.println("[peer] installing pinned onnxruntime + tokenizers + numpy (hash-checked, ~40 MB)");
            PeerProcess.run(List.of(python(venv).toString(), "-m", "pip", "install", "--disable-pip-version-check",
                    "--require-hashes", "--no-deps", "--only-binary=:all:", "-r", req.toString()), "[peer]   ",
                    INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES);
            Files.writeString(venv.resolve(MARKER), requirements());
        } catch (IllegalStateException e) {
            throw new IllegalStateException("installing the Python peer into " + venv + " failed (it needs Python "
                    + "3.11-3.13 on Linux x86_64/aarch64 with the venv module, and PyPI): " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(req);
        }
    }

    private static void checkPython(String systemPython) {
        try {
            PeerProcess.run(List.of(systemPython, "-c", "import venv, ensurepip"), "[peer]   ", 30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("'" + systemPython + "' not found: --peer python needs Python 3.11+ with "
                    + "the venv module (e.g. apt-get install python3 python3-venv)", e);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("'" + systemPython + "' has no venv/ensurepip module: --peer python needs "
                    + "it (e.g. apt-get install python3-venv): " + e.getMessage(), e);
        }
    }
}
