package io.omnistream.benchmarks;

import io.omnistream.launcher.cli.SubcommandProvider;
import picocli.CommandLine.Command;

/** Adds {@code ./omnistream bench ...} to the CLI (ServiceLoader, so the launcher does not depend on benchmarks). */
public final class BenchSubcommands implements SubcommandProvider {
    @Command(name = "bench", mixinStandardHelpOptions = true,
            subcommands = {EncoderBenchmark.class, RankingBenchmarkCommand.class, MediaBenchmark.class},
            description = "Benchmarks (measurements, not tests). Results are printed and written as JSON with --report.")
    static final class Bench implements Runnable {
        @Override
        public void run() {
            picocli.CommandLine.usage(this, System.out);
        }
    }

    @Override
    public Object subcommand() {
        return new Bench();
    }
}
