package io.omnistream.launcher.cli;

import java.util.ServiceLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * Entry point of {@code ./omnistream}. Built-in subcommands live in this package; modules further down the
 * dependency graph (benchmarks) contribute theirs through {@link SubcommandProvider} (ServiceLoader), so the launcher
 * does not depend on them.
 *
 * <p>Exit codes: 0 success; 1 a failure, printed as one line {@code omnistream: <reason>}; 2 bad usage.
 */
@Command(name = "omnistream", mixinStandardHelpOptions = true, version = "omnistream 0.1.0",
        description = "Streaming multimodal embedding platform: Kafka, ONNX Runtime encoders, Milvus, Flink quality jobs.",
        subcommands = {DemoCommand.class, ClusterCommand.class, SearchCommand.class, ReplayCommand.class, BuildCrossModalCommand.class, AlertsCommand.class, DlqCommand.class, ChaosCommand.class, KeysCommand.class, UpgradeCommand.class,
                EvaluateOfflineCommand.class, ConfigDocCommand.class})
public final class OmnistreamCli implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new OmnistreamCli());
        for (SubcommandProvider provider : ServiceLoader.load(SubcommandProvider.class)) {
            cli.addSubcommand(provider.subcommand());
        }
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("omnistream: " + oneLine(ex));
            return 1;
        });
        return cli;
    }

    static String oneLine(Throwable ex) {
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root && (root.getMessage() == null || root.getMessage().isBlank())) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replace('\n', ' ');
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
