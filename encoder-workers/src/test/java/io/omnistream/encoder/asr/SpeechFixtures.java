package io.omnistream.encoder.asr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Real speech for the Whisper ITs: FSDD recordings and espeak-ng synthesis, as 16 kHz mono 16-bit WAVs (ffmpeg). */
final class SpeechFixtures {
    private final Path dir;
    private final Path fsdd;

    SpeechFixtures(Path dir) {
        this.dir = dir;
        this.fsdd = Path.of(System.getProperty("omnistream.shared.dir", "../shared"), "data", "fsdd", "recordings");
    }

    /** Why these fixtures cannot be made here (a tool or the shared data missing), or null when they can. */
    String missing() {
        if (!onPath("ffmpeg")) {
            return "ffmpeg not installed (scripts/install-media-tools.sh)";
        }
        if (!onPath("espeak-ng")) {
            return "espeak-ng not installed (apt-get install espeak-ng)";
        }
        return Files.isDirectory(fsdd) ? null : "FSDD recordings not found at " + fsdd;
    }

    /** FSDD recording {@code <digit>_<speaker>_<take>.wav} at 16 kHz mono. */
    Path digit(int digit, String speaker, int take) throws IOException, InterruptedException {
        String name = digit + "_" + speaker + "_" + take + ".wav";
        Path out = dir.resolve("16k-" + name);
        if (!Files.exists(out)) {
            to16kMono(fsdd.resolve(name), "16k-" + name);
        }
        return out;
    }

    /** {@code text} spoken by espeak-ng, at 16 kHz mono, saved as {@code name}. */
    Path spoken(String text, String name) throws IOException, InterruptedException {
        Path raw = dir.resolve("22k-" + name);
        run("espeak-ng", "-w", raw.toString(), text);
        return to16kMono(raw, name);
    }

    Path to16kMono(Path in, String name) throws IOException, InterruptedException {
        Path out = dir.resolve(name);
        run("ffmpeg", "-loglevel", "error", "-y", "-i", in.toString(), "-ar", "16000", "-ac", "1", "-sample_fmt",
                "s16", out.toString());
        return out;
    }

    /** Lower-case words of a transcript, punctuation dropped. */
    static List<String> words(String text) {
        return List.of(text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 ]", " ").trim().split("\\s+"));
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    static boolean onPath(String tool) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
