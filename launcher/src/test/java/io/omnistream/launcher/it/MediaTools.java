package io.omnistream.launcher.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether the Debian media tools the cascades run (scripts/install-media-tools.sh) are installed here. */
final class MediaTools {
    private MediaTools() {
    }

    /** True if an executable {@code binary} is on the PATH. */
    static boolean onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }
}
