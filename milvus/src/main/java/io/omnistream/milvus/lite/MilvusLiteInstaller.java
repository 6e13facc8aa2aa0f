package io.omnistream.milvus.lite;

import io.omnistream.runtime.process.PinnedVenv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The Python venv holding the pinned Milvus Lite server ({@code milvus-lite-requirements.txt}, the same file
 * {@code scripts/install-milvus-lite.sh} reads), installed by {@link PinnedVenv}: a changed pin reinstalls, installs
 * are serialised across JVMs. A first install downloads ~200 MB (faiss, pyarrow, numpy, pandas) and can take minutes.
 */
public final class MilvusLiteInstaller {
    static final String REQUIREMENTS_RESOURCE = "milvus-lite-requirements.txt";
    /** pip download + install of the pinned set on a slow link; generous because it runs once per machine. */
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(20);

    private MilvusLiteInstaller() {}

    /** Default venv location: {@code ~/.omnistream/milvus-lite-venv}. */
    public static Path defaultVenvDir() {
        return Path.of(System.getProperty("user.home"), ".omnistream", "milvus-lite-venv");
    }

    /** The pinned requirements text (comment lines included). */
    public static String requirements() {
        return PinnedVenv.resourceText(MilvusLiteInstaller.class, REQUIREMENTS_RESOURCE);
    }

    public static boolean isInstalled(Path venv) {
        return PinnedVenv.isInstalled(venv, requirements());
    }

    /**
     * Installs the pinned packages into {@code venv} unless already there. Returns the venv's Python interpreter.
     *
     * @param systemPython interpreter used to create the venv, e.g. {@code python3}
     * @throws IllegalStateException with an actionable message when Python is missing or pip fails
     */
    public static Path ensureInstalled(Path venv, String systemPython) {
        return PinnedVenv.ensureInstalled(venv, systemPython, new PinnedVenv.Spec("milvus-lite", requirements(),
                List.of(), INSTALL_TIMEOUT, "the embedded Milvus Lite server (or point milvus.uri at an existing Milvus)"));
    }
}
