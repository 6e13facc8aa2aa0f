package io.omnistream.launcher.it;

import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.runtime.config.ConfigSource;
import java.nio.file.Path;
import java.util.Map;

/**
 * One embedded stack (Kafka, mock registry, Milvus Lite, ingest, encoder worker, sink) per test JVM, started on first
 * use and stopped when the JVM exits. Milvus data is fresh for each JVM; the Milvus Lite venv is the user's
 * ({@code ~/.omnistream/milvus-lite-venv}, which .ci/run installs).
 */
final class SharedStack {
    private static EmbeddedStack stack;

    private SharedStack() {}

    static synchronized EmbeddedStack get() {
        if (stack == null) {
            stack = EmbeddedStack.start(ConfigSource.load(null, Map.of(
                    "launcher.milvus.fresh", "true",
                    "launcher.metrics.port", "0",
                    "launcher.web.port", "0",
                    "launcher.control.port", "0",
                    "ingest.http.port", "0",
                    "search.http.port", "0",
                    // small batches keep the restart test meaningful (several commits per run)
                    "encoder.batch.max-size", "16")), System.out);
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "shared-stack-shutdown"));
        }
        return stack;
    }

    static Path sharedData() {
        return Path.of(System.getProperty("omnistream.shared.dir", "../../shared")).resolve("data").toAbsolutePath().normalize();
    }
}
