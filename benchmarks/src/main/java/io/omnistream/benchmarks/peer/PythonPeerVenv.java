package io.omnistream.benchmarks.peer;

import io.omnistream.runtime.process.PinnedVenv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The Python venv of the benchmark's Python peer: exactly the packages of {@code peer-requirements.txt} (onnxruntime,
 * tokenizers, numpy), installed by {@link PinnedVenv} with {@code --require-hashes --no-deps --only-binary=:all:}, so
 * what runs is byte for byte the pinned wheels and nothing else. A first install downloads ~40 MB.
 */
public final class PythonPeerVenv {
    static final String REQUIREMENTS_RESOURCE = "peer-requirements.txt";
    /** venv creation + pip download of ~40 MB on a slow link; runs once per machine. */
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);

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
        return PinnedVenv.resourceText(PythonPeerVenv.class, name);
    }

    /**
     * Installs the pinned packages into {@code venv} unless already there; returns the venv's interpreter.
     *
     * @param systemPython interpreter that creates the venv, e.g. {@code python3}
     * @throws IllegalStateException with an actionable message when Python or its venv module is missing or pip fails
     */
    public static Path ensureInstalled(Path venv, String systemPython) {
        return PinnedVenv.ensureInstalled(venv, systemPython, new PinnedVenv.Spec("peer", requirements(),
                List.of("--require-hashes", "--no-deps", "--only-binary=:all:"), INSTALL_TIMEOUT,
                "--peer python (Python 3.11-3.13 on Linux x86_64/aarch64, and PyPI)"));
    }
}
