package io.omnistream.monitoring;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the files the tests read live. Surefire runs tests with the module directory as working directory. */
final class Repo {
    private Repo() {}

    /** {@code monitoring/}. */
    static Path module() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("prometheus/rules"))) {
            dir = dir.resolve("monitoring"); // run from the repository root (e.g. by an IDE)
        }
        if (!Files.isDirectory(dir.resolve("prometheus/rules"))) {
            throw new IllegalStateException("cannot find monitoring/prometheus/rules from " + System.getProperty("user.dir"));
        }
        return dir;
    }

    static Path root() {
        return module().getParent();
    }

    static Path rulesDir() {
        return module().resolve("prometheus/rules");
    }

    static Path ruleTestsDir() {
        return module().resolve("prometheus/tests");
    }

    static Path dashboardsDir() {
        return module().resolve("grafana/dashboards");
    }

    static Path readme() {
        return module().resolve("README.md");
    }
}
