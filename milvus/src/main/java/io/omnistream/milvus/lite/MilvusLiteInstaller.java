package io.omnistream.milvus.lite;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ensures a Python venv holding the pinned Milvus Lite server ({@code milvus-lite-requirements.txt}, the same file
 * {@code scripts/install-milvus-lite.sh} reads). A venv counts as installed when its marker file equals the pinned
 * requirements byte for byte, so changing a pin triggers a reinstall. Installation is serialised across JVMs by a
 * file lock next to the venv. Progress goes to {@code System.out} because a first install downloads ~200 MB
 * (faiss, pyarrow, numpy, pandas) and can take minutes.
 */
public final class MilvusLiteInstaller {
    static final String REQUIREMENTS_RESOURCE = "milvus-lite-requirements.txt";
    static final String MARKER = ".omnistream-requirements.txt";
    /** pip download + install of the pinned set on a slow link; generous because it runs once per machine. */
    private static final long INSTALL_TIMEOUT_MINUTES = 20;

    private MilvusLiteInstaller() {}

    /** Default venv location: {@code ~/.omnistream/milvus-lite-venv}. */
    public static Path defaultVenvDir() {
        return Path.of(System.getProperty("user.home"), ".omnistream", "milvus-lite-venv");
    }

    /** The pinned requirements text (comment lines included). */
    public static String requirements() {
        try (InputStream in = MilvusLiteInstaller.class.getResourceAsStream(REQUIREMENTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + REQUIREMENTS_RESOURCE + " missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Path of the {@code milvus-lite} Python interpreter inside {@code venv}. */
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
     * Installs the pinned packages into {@code venv} unless already there. Returns the venv's Python interpreter.
     *
     * @param systemPython interpreter used to create the venv, e.g. {@code python3}
     * @throws IllegalStateException with an actionable message when Python is missing or pip fails
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
                if (isInstalled(venv)) {
                    return python(venv); // another JVM installed it while we waited for the lock
                }
                install(venv, systemPython);
                return python(venv);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot install milvus-lite into " + venv + ": " + e.getMessage(), e);
        }
    }

    private static void install(Path venv, String systemPython) throws IOException {
        checkPython(systemPython);
        Path req = Files.createTempFile("milvus-lite-requirements", ".txt");
        try {
            Files.writeString(req, requirements());
            System.out.println("[milvus-lite] creating venv " + venv);
            run(List.of(systemPython, "-m", "venv", venv.toString()));
            System.out.println("[milvus-lite] installing pinned milvus-lite + pymilvus into " + venv
                    + " (first run downloads ~200 MB)");
            run(List.of(python(venv).toString(), "-m", "pip", "install", "--disable-pip-version-check",
                    "-r", req.toString()));
            Files.writeString(venv.resolve(MARKER), requirements());
            System.out.println("[milvus-lite] installed into " + venv);
        } finally {
            Files.deleteIfExists(req);
        }
    }

    private static void checkPython(String systemPython) {
        try {
            Process p = new ProcessBuilder(systemPython, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(systemPython + " --version failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("'" + systemPython + "' not found: the embedded Milvus Lite server needs "
                    + "Python 3.10+ with the venv module (e.g. apt-get install python3 python3-venv), or point "
                    + "milvus.uri at an existing Milvus", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking " + systemPython, e);
        }
    }

    /** Runs a command, echoing its output line by line as progress; fails with the tail of the output. */
    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> tail = new ArrayList<>();
        try (var reader = p.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                System.out.println("[milvus-lite]   " + line);
                tail.add(line);
                if (tail.size() > 20) {
                    tail.remove(0);
                }
            }
        }
        try {
            if (!p.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out after " + INSTALL_TIMEOUT_MINUTES + " min: " + command);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("command failed with exit code " + p.exitValue() + ": "
                    + String.join(" ", command) + "\n" + String.join("\n", tail));
        }
    }
}
