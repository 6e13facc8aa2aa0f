package io.omnistream.encoder.media;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Tools and data for the media tests: real ffmpeg/ffprobe runs and the real data sets under shared/data. */
final class MediaTestSupport {
    private MediaTestSupport() {}

    static void assumeTools(String... binaries) {
        for (String b : binaries) {
            Assumptions.assumeTrue(onPath(b), b + " not installed (scripts/install-media-tools.sh)");
        }
    }

    static boolean onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    /** True if {@code ffmpeg -encoders} lists {@code encoder} (e.g. libvpx-vp9, libwebp). */
    static boolean hasEncoder(String encoder) throws Exception {
        String out = run(List.of("ffmpeg", "-hide_banner", "-encoders"));
        return out.lines().anyMatch(l -> l.trim().split("\\s+").length > 1 && l.trim().split("\\s+")[1].equals(encoder));
    }

    /** {@code shared/data} beside the checkout (Surefire passes omnistream.shared.dir); the test is skipped without it. */
    static Path sharedData(String relative) {
        String shared = System.getProperty("omnistream.shared.dir", "../shared");
        Path path = Path.of(shared, "data", relative);
        Assumptions.assumeTrue(Files.exists(path), "real data not found at " + path + " (shared/data beside the checkout)");
        return path;
    }

    /** Runs a command, returns stdout + stderr; fails the test on a non-zero exit. */
    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + output);
        }
        return output;
    }

    /** Runs ffmpeg with {@code args} writing {@code out} (a file name with the container's extension). */
    static byte[] ffmpeg(Path dir, String outName, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-nostdin"));
        cmd.addAll(List.of(args));
        Path out = dir.resolve(outName);
        cmd.add(out.toString());
        run(cmd);
        return Files.readAllBytes(out);
    }
}
