package io.omnistream.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.launcher.demo.SciFactDemo;
import io.omnistream.launcher.demo.SciFactSubset;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.launcher.stack.LauncherConfig;
import io.omnistream.launcher.stack.RunningStackFile;
import io.omnistream.runtime.config.ConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Start the embedded stack (in-JVM Kafka, mock:// schema registry, Milvus Lite, ingest API, encoder worker,",
            "Milvus sink), load the SciFact abstracts through the ingest HTTP API with a progress bar, wait until every",
            "one is searchable in Milvus, print throughput and time-to-searchable, and run sample claim searches.",
            "Without --exit-when-done the stack keeps running (Ctrl-C stops it cleanly) so './omnistream search' can use it."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "Directory holding scifact.zip (default: ../shared/data/scifact).")
    Path data;

    @Option(names = "--limit", paramLabel = "N", description = "Load only the first N abstracts (default: all 5,183).")
    int limit;

    @Option(names = "--exit-when-done", description = "Shut down cleanly after loading and the sample searches.")
    boolean exitWhenDone;

    @Option(names = "--summary", paramLabel = "FILE",
            description = "Write a JSON summary (ingested, rows_in_milvus, distinct_ids, dlq, seconds, items_per_second, last_searchable_ms, ...).")
    Path summary;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "3", description = "Sample claim searches to run (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "1800",
            description = "Give up if the pipeline has not drained this long after loading (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--skip-evaluate",
            description = "Do not score the 300 test claims (NDCG@10, Recall@10 in Milvus) after a full-corpus load.")
    boolean skipEvaluate;

    @Mixin
    StackOptions stackOptions;

    /** Abstracts of the SciFact subset replayed once when an upgrade starts (about a minute per version on 2 cores). */
    static final int UPGRADE_BENCHMARK_ABSTRACTS = 200;

    /**
     * The configuration with {@code launcher.upgrade.benchmark} set to a reproducible SciFact subset (written as a BEIR
     * directory under {@code <omnistream.home>}), unless it is set already.
     */
    static ConfigSource withUpgradeBenchmark(ConfigSource config, Path zip) throws java.io.IOException {
        if (!config.get(LauncherConfig.UPGRADE_BENCHMARK).isBlank()) {
            return config;
        }
        Path dir = new LauncherConfig(config).home().resolve("upgrade-benchmark").resolve("scifact-" + UPGRADE_BENCHMARK_ABSTRACTS);
        SciFactSubset.of(new SciFactCorpus(zip), UPGRADE_BENCHMARK_ABSTRACTS).writeBeir(dir);
        return config.with(Map.of(LauncherConfig.UPGRADE_BENCHMARK.key(), dir.toString()));
    }

    @Override
    public Integer call() throws Exception {
        Path zip = StackOptions.scifactZip(data);
        EmbeddedStack stack = EmbeddedStack.start(withUpgradeBenchmark(stackOptions.configSource(), zip), System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.out.println("\nstopping the stack...");
            stack.close();
            stopped.countDown();
        }, "omnistream-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean closeHere = true;
        try {
            SciFactDemo demo = new SciFactDemo(stack, zip, System.out);
            SciFactDemo.Summary result = demo.ingestAndWait(demo.documents(limit), Duration.ofSeconds(timeoutSeconds));
            System.out.printf("%nall %d abstracts searchable: %d rows in Milvus for %d distinct ids, %d in DLQ; "
                            + "%.1f s end to end = %.1f abstracts/s; the last one became searchable %.1f s after the "
                            + "ingest API accepted it (the encoder backlog drains at the model's speed)%n",
                    result.ingested(), result.rowsInMilvus(), result.distinctIds(), result.dlq(), result.seconds(),
                    result.itemsPerSecond(), result.lastSearchableMs() / 1000.0);
            var json = result.toJson();
            if (!skipEvaluate && limit <= 0) {
                Map<String, Object> scores = demo.evaluate(10);
                System.out.printf("SciFact test claims searched in Milvus: NDCG@10 %.2f, Recall@10 %.2f over %s claims "
                                + "(published MTEB for BGE-small-en-v1.5: NDCG@10 71.28, Recall@10 83.62)%n",
                        100 * (double) scores.get("ndcg@10"), 100 * (double) scores.get("recall@10"), scores.get("queries"));
                json.put("ndcg@10", scores.get("ndcg@10"));
                json.put("recall@10", scores.get("recall@10"));
            }
            if (summary != null) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(summary.toFile(), json);
                System.out.println("summary written to " + summary);
            }
            demo.sampleSearches(samples, 5);
            if (!exitWhenDone) {
                RunningStackFile.write(stack);
                System.out.println("\nstack running. Try: ./omnistream search \"vitamin D and tuberculosis\"   (Ctrl-C to stop)");
                closeHere = false;
                stopped.await();
            }
            return 0;
        } finally {
            if (closeHere) {
                Runtime.getRuntime().removeShutdownHook(hook);
                stack.close();
            }
        }
    }
}
