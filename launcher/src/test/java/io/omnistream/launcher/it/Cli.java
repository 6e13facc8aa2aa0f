package io.omnistream.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.launcher.cli.OmnistreamCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** {@code ./omnistream <command> ...} run in the test JVM, as the user would run it against a stack. */
final class Cli {
    private Cli() {
    }

    /** Runs {@code ./omnistream args...}, asserts exit code 0 and returns what it printed (also echoed to the log). */
    static String run(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture); // the command prints to System.out like every CLI command
            exit = OmnistreamCli.commandLine().execute(args);
        } finally {
            System.setOut(original);
        }
        String printed = buffer.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertThat(exit).as("exit code of omnistream %s", String.join(" ", args)).isZero();
        return printed;
    }
}
