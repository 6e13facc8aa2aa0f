package io.omnistream.encoder.tower;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * PLUMBING FIXTURE: tiny ONNX graphs with fixed integer weights and no semantics (and the decoder graphs' tiny
 * tokenizer.json), generated for the native-tower and decoder text-encoder tests by
 * {@code src/test/resources/fixtures/make_plumbing_onnx.py} (see it for the graphs and weights) with the Python
 * {@code onnx} package pinned below, in a virtual environment under this module's {@code target/}.
 *
 * <p>If python3, venv or pip are unavailable (no interpreter, no network for the first install), the calling tests
 * are skipped through a JUnit assumption whose message says why. A failing generator script, however, fails the
 * tests: that is a bug in the fixture, not a missing tool. The virtual environment is reused while it holds the
 * pinned version, so after one online build the tests also run offline ({@code mvn -o}).
 */
public final class PlumbingOnnxFixture {
    /** Pinned for reproducible graph bytes; the generator also fixes opset 17 and IR version 8. */
    static final String ONNX_PIP_VERSION = "1.23.2";

    static final String IMAGE_NCHW = "plumbing_image_nchw.onnx";
    static final String IMAGE_NCHW_DOUBLED = "plumbing_image_nchw_doubled.onnx";
    static final String IMAGE_NHWC = "plumbing_image_nhwc.onnx";
    static final String AUDIO_FRAMES = "plumbing_audio_frames.onnx";
    static final String VIDEO_NTCHW = "plumbing_video_ntchw.onnx";
    /** Decoder-shaped: input_ids, attention_mask, position_ids to a causal last_hidden_state [batch, seq, 4]. */
    public static final String DECODER = "plumbing_decoder.onnx";
    /** {@link #DECODER} without the position_ids input. */
    public static final String DECODER_NO_POSITIONS = "plumbing_decoder_no_positions.onnx";
    /** WordLevel tokenizer.json of the decoder graphs; adds no special tokens. */
    public static final String DECODER_TOKENIZER = "plumbing_decoder_tokenizer.json";
    /** {@link #DECODER_TOKENIZER} whose post-processor appends {@code <|endoftext|>} itself. */
    public static final String DECODER_TOKENIZER_APPENDS_EOS = "plumbing_decoder_tokenizer_appends_eos.json";

    private static final String SCRIPT_RESOURCE = "fixtures/make_plumbing_onnx.py";
    /** Generous bounds for process completion (a cold pip install downloads ~20 MB); not assertions on speed. */
    private static final long PIP_TIMEOUT_MINUTES = 10;
    private static final long PYTHON_TIMEOUT_MINUTES = 2;

    private static Path generated;
    /** Why the fixtures cannot be generated here; remembered so that a missing tool is probed once per JVM. */
    private static String unavailable;

    private PlumbingOnnxFixture() {}

    /**
     * The directory holding the generated graphs; generates them once per JVM. Aborts the calling test (reported as
     * skipped, with the reason) if Python, venv or pip are unavailable; call it per test, not in {@code @BeforeAll},
     * where an abort hides the tests from the report.
     */
    public static synchronized Path directory() {
        if (generated == null && unavailable == null) {
            generated = generate();
        }
        if (generated == null) {
            Assumptions.abort(unavailable);
        }
        return generated;
    }

    public static Path path(String fileName) {
        return directory().resolve(fileName);
    }

    /** The generated directory, or null with {@link #unavailable} set. */
    private static Path generate() {
        Path target = moduleDirectory().resolve("target");
        Path venv = target.resolve("onnx-venv");
        Path python = venv.resolve("bin").resolve("python");
        if (!Files.isExecutable(python) || run(List.of(python.toString(), "-c",
                "import onnx, sys; sys.exit(0 if onnx.__version__ == '" + ONNX_PIP_VERSION + "' else 1)"),
                PYTHON_TIMEOUT_MINUTES).exitCode() != 0) {
            unavailable = createVenv(venv, python);
            if (unavailable != null) {
                return null;
            }
        }
        Path out = target.resolve("plumbing-onnx");
        ProcessResult result = run(List.of(python.toString(), script().toString(), out.toString()), PYTHON_TIMEOUT_MINUTES);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("PLUMBING FIXTURE generator " + SCRIPT_RESOURCE + " failed (exit "
                    + result.exitCode() + "):\n" + result.output());
        }
        return out;
    }

    /** Creates the venv with the pinned onnx; returns null on success, else why the fixtures are unavailable. */
    private static String createVenv(Path venv, Path python) {
        ProcessResult created = run(List.of("python3", "-m", "venv", "--clear", venv.toString()), PYTHON_TIMEOUT_MINUTES);
        if (created.exitCode() != 0) {
            return "PLUMBING FIXTURE skipped: cannot create a Python venv with 'python3 -m venv' (python3 and its venv "
                    + "module are needed to generate the test ONNX graphs): " + created.output();
        }
        ProcessResult installed = run(List.of(python.toString(), "-m", "pip", "install", "--disable-pip-version-check",
                "--no-input", "--quiet", "onnx==" + ONNX_PIP_VERSION), PIP_TIMEOUT_MINUTES);
        if (installed.exitCode() != 0) {
            return "PLUMBING FIXTURE skipped: 'pip install onnx==" + ONNX_PIP_VERSION
                    + "' failed (offline, or no wheel for this Python): " + installed.output();
        }
        return null;
    }

    /** Surefire runs tests in the module directory and sets {@code basedir}; fall back to the working directory. */
    private static Path moduleDirectory() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    private static Path script() {
        URL url = PlumbingOnnxFixture.class.getClassLoader().getResource(SCRIPT_RESOURCE);
        if (url == null) {
            throw new IllegalStateException(SCRIPT_RESOURCE + " is not on the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate " + url, e);
        }
    }

    private record ProcessResult(int exitCode, String output) {}

    /**
     * Runs a command with its output going to a temporary file (so a hung process cannot block us on a full pipe);
     * a command that cannot start (e.g. no python3 on PATH) or does not finish reports exit code -1.
     */
    private static ProcessResult run(List<String> command, long timeoutMinutes) {
        Path log;
        try {
            log = Files.createTempFile("plumbing-onnx-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Process process;
            try {
                process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                process.getOutputStream().close();
            } catch (IOException e) {
                return new ProcessResult(-1, "cannot start " + command.get(0) + ": " + e.getMessage());
            }
            if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return new ProcessResult(-1, String.join(" ", command) + " did not finish in " + timeoutMinutes + " min");
            }
            return new ProcessResult(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // A leftover temp log is harmless.
            }
        }
    }
}
