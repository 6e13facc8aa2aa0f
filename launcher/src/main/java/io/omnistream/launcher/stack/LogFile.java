package io.omnistream.launcher.stack;

import java.nio.file.Path;

/**
 * Where the launcher's log file is: {@code -Domnistream.log.file}, else {@code ~/.omnistream/logs/omnistream.log} — the
 * same default as {@code omnistream-log4j2.xml}, which sends framework warnings there instead of to the console.
 */
public final class LogFile {
    public static final String PROPERTY = "omnistream.log.file";

    private LogFile() {
    }

    public static Path path() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".omnistream", "logs", "omnistream.log");
    }
}
