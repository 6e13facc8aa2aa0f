package io.omnistream.launcher.cli;

import io.omnistream.runtime.config.ConfigSource;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every stack-running subcommand shares: a config file and -D style overrides. */
public final class StackOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with configuration keys (see docs/configuration.md); environment variables OMNISTREAM_<KEY> override it.")
    Path configFile;

    @Option(names = {"-D", "--set"}, paramLabel = "KEY=VALUE", description = "Override one configuration key, e.g. -D encoder.batch.max-size=16.")
    Map<String, String> overrides = new HashMap<>();

    @Option(names = "--model", paramLabel = "ID", description = "Model id from the model registry (default: bge-small-en-v1.5, fp32).")
    String model;

    public ConfigSource configSource() {
        Map<String, String> all = new HashMap<>(overrides);
        if (model != null) {
            all.put("encoder.model", model);
        }
        return ConfigSource.load(configFile, all);
    }

    /**
     * The SciFact archive: {@code --data} may name the zip itself or a directory holding {@code scifact.zip};
     * without it, {@code ../shared/data/scifact/scifact.zip}.
     *
     * @throws IllegalArgumentException if there is no such file
     */
    public static Path scifactZip(Path dataOption) {
        Path dir = dataOption != null ? dataOption : defaultDataRoot().resolve("scifact");
        Path zip = java.nio.file.Files.isDirectory(dir) ? dir.resolve("scifact.zip") : dir;
        if (!java.nio.file.Files.isRegularFile(zip)) {
            throw new IllegalArgumentException("SciFact data not found at " + zip + " (use --data DIR with scifact.zip)");
        }
        return zip;
    }

    /** {@code ../shared/data} beside the repository, where the README says the data lives. */
    public static Path defaultDataRoot() {
        String repo = System.getProperty("omnistream.repo.dir", ".");
        return Path.of(repo).toAbsolutePath().normalize().resolveSibling("shared").resolve("data");
    }
}
