package io.omnistream.launcher.cli;

/**
 * Contributes a picocli subcommand to {@code ./omnistream} from another module (registered in
 * {@code META-INF/services/io.omnistream.launcher.cli.SubcommandProvider}).
 */
public interface SubcommandProvider {
    /** A picocli {@code @Command}-annotated object (or class instance) to add as a subcommand. */
    Object subcommand();
}
