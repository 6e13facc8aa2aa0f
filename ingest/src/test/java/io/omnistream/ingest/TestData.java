package io.omnistream.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Real files from ../shared/data (system property omnistream.shared.dir, set by Surefire/Failsafe). */
public final class TestData {
    private TestData() {}

    public static Path shared() {
        return Path.of(System.getProperty("omnistream.shared.dir", "../../shared")).toAbsolutePath().normalize();
    }

    public static Path data(String relative) {
        Path p = shared().resolve("data").resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("test data missing: " + p);
        }
        return p;
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(data(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static final String PNG = "tuxpaint-stamps/symbols/money/us/coins/005nickel.png";
    public static final String JPEG = "coco-mini/val2017/000000000139.jpg";
    public static final String WAV = "fsdd/recordings/0_george_0.wav";
    public static final String OGG = "tuxpaint-stamps/symbols/math/2.ogg";
}
