package io.omnistream.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class OmnistreamCliTest {
    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = OmnistreamCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "search", "evaluate-offline", "config-doc"})
    void everySubcommandDocumentsItsOptions(String subcommand) {
        Run help = run(subcommand, "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: omnistream " + subcommand);
    }

    @Test
    void demoHelpListsTheStableOptions() {
        assertThat(run("demo", "--help").out()).contains("--data", "--limit", "--exit-when-done", "--summary");
    }

    @Test
    void badUsageExitsWithTwoAndSaysWhy() {
        Run bad = run("demo", "--no-such-option");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("Unknown option");
    }

    @Test
    void aFailureExitsWithOneAndASingleLineReason() throws Exception {
        Path missing = Files.createTempDirectory("no-scifact");
        Run failed = run("demo", "--data", missing.toString());
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err().strip()).startsWith("omnistream: SciFact data not found").doesNotContain("\n");
    }
}
