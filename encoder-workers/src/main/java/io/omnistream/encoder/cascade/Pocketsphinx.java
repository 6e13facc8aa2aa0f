package io.omnistream.encoder.cascade;

import io.omnistream.encoder.asr.SpeechRecognizer;
import io.omnistream.runtime.error.PermanentFailureException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * PocketSphinx speech recognition through Debian's {@code pocketsphinx_continuous} with the US-English acoustic
 * model and dictionary of {@code pocketsphinx-en-us}, decoding either with the generic trigram language model (open
 * vocabulary; weak on synthetic and accented speech) or, when a JSGF grammar is given, constrained to that grammar
 * (closed vocabulary, e.g. spoken digits: much more accurate where it applies). The binary has no version flag, so
 * the version is a fingerprint of the model, dictionary and grammar files it loads (what determines its output).
 */
final class Pocketsphinx implements SpeechRecognizer {
    static final Path MODEL_DIR = Path.of("/usr/share/pocketsphinx/model/en-us");

    private final String binary;
    private final Path acousticModel;
    private final Path languageModel;
    private final Path dictionary;
    private final Path grammar;
    private final Duration timeout;
    private final String version;

    /** @param grammar a JSGF grammar to decode with instead of the language model, or null */
    Pocketsphinx(String binary, Path modelDir, Path grammar, Duration timeout) {
        this.binary = binary;
        this.acousticModel = modelDir.resolve("en-us");
        this.languageModel = modelDir.resolve("en-us.lm.bin");
        this.dictionary = modelDir.resolve("cmudict-en-us.dict");
        this.grammar = grammar;
        this.timeout = timeout;
        if (grammar != null && !Files.isRegularFile(grammar)) {
            throw new IllegalArgumentException("cascade AUDIO (pocketsphinx): 'jsgf' grammar " + grammar + " not found");
        }
        for (Path p : List.of(acousticModel, languageModel, dictionary)) {
            if (!Files.exists(p)) {
                throw new ToolUnavailableException("PocketSphinx model file " + p + " is missing; install "
                        + "pocketsphinx-en-us (scripts/install-media-tools.sh)");
            }
        }
        this.version = grammar == null
                ? "pocketsphinx_continuous en-us lm+dict@" + fingerprint(languageModel, dictionary, acousticModel.resolve("mdef"))
                : "pocketsphinx_continuous en-us jsgf+dict@" + fingerprint(grammar, dictionary, acousticModel.resolve("mdef"));
    }

    @Override
    public String version() {
        return version;
    }

    /** One process per file, one after the other (the binary decodes one input per run). */
    @Override
    public List<String> recognize(List<Path> wav16kMono, String what) {
        List<String> texts = new ArrayList<>(wav16kMono.size());
        for (Path wav : wav16kMono) {
            texts.add(recognize(wav));
        }
        return texts;
    }

    /** The hypothesis for a 16 kHz mono 16-bit WAV; blank when nothing was recognised. */
    String recognize(Path wav16k) {
        ExternalTool.Result r = ExternalTool.run(List.of(binary, "-infile", wav16k.toString(), "-hmm",
                acousticModel.toString(), grammar == null ? "-lm" : "-jsgf",
                (grammar == null ? languageModel : grammar).toString(), "-dict", dictionary.toString(),
                "-logfn", "/dev/null"), null, timeout, 1 << 20);
        if (r.exitCode() != 0) {
            throw new PermanentFailureException("preprocess", "audio: pocketsphinx exited " + r.exitCode() + ": "
                    + r.stderrLastLine());
        }
        return r.stdoutText().replaceAll("\\s+", " ").strip();
    }

    private static String fingerprint(Path... files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (Path f : files) {
                if (!Files.exists(f)) {
                    continue;
                }
                try (InputStream in = Files.newInputStream(f)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        sha.update(buf, 0, n);
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new ToolUnavailableException("cannot fingerprint the PocketSphinx model: " + e.getMessage(), e);
        }
    }
}
