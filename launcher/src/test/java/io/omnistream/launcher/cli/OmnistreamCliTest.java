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
    void upgradeHelpDocumentsTheFlowAndEveryStep() {
        Run help = run("upgrade", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: omnistream upgrade", "upgrade start --to MODEL_ID", "upgrade status",
                "upgrade promote", "upgrade rollback", "upgrade finish", "upgrade abort", "omnistream.deployments.v1");
        assertThat(run("upgrade", "start", "--help").out()).contains("--to", "--version", "--epsilon", "--delta",
                "--max-recall-loss", "--auto-promote");
    }

    @Test
    void upgradeWithoutARunningStackSaysSo() throws Exception {
        Path home = Files.createTempDirectory("no-stack");
        Run failed = run("upgrade", "status", "-D", "omnistream.home=" + home);
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err().strip()).startsWith("omnistream: no running stack found in " + home);
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
