package io.omnistream.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.launcher.cluster.ClusterBenchmark;
import io.omnistream.launcher.cluster.ClusterConfig;
import io.omnistream.launcher.cluster.ProcessCluster;
import io.omnistream.launcher.demo.SciFactDemo;
import io.omnistream.launcher.demo.SciFactSubset;
import io.omnistream.replay.BenchmarkTask;
import io.omnistream.runtime.config.ConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./omnistream cluster}: every part of the pipeline in a process of its own, on this machine. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {
            "Start the pipeline as separate processes: a Kafka broker, Apicurio Registry, Milvus Lite, the ingest "
                    + "service, N encoder workers (one consumer group), the Milvus sink, a Flink session cluster "
                    + "(JobManager + TaskManager from Flink's own entrypoints) running both quality jobs submitted as the "
                    + "shaded job jar over REST, and the quality service; services run from the images' layouts. Load a "
                    + "SciFact subset through the ingest API, replay it once as a benchmark task scored by the Flink jobs, "
                    + "and print the scores read from the quality service.",
            "",
            "Scoring: --limit N picks a reproducible subset of N abstracts: the test claims in file order while their "
                    + "cited abstracts fit in N/2, plus distractors (seeded hash order). Scored claims are exactly those "
                    + "whose cited abstracts are all in the subset. The subset is written as a BEIR directory; "
                    + "'./omnistream replay --beir DIR' scores the same corpus and claims on the embedded stack (same task "
                    + "id, same NDCG@10 on the exact path).",
            "",
            "Configuration (--config FILE, -D KEY=VALUE; keys in docs/configuration.md): cluster.* sizes the processes; "
                    + "quality.* and bias.* keys set in the file or with -D are handed to the Flink jobs as program "
                    + "arguments.",
            "",
            "Every child dies with this command, also on kill -9. Ctrl-C (or --exit-when-done) stops them in reverse "
                    + "order."})
public final class ClusterCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "Directory holding scifact.zip (default: ../shared/data/scifact).")
    Path data;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
            description = "Abstracts in the SciFact subset (default: ${DEFAULT-VALUE}; 0 = all 5,183 and all 300 test claims).")
    int limit;

    @Option(names = "--workers", paramLabel = "N", description = "Encoder worker processes (default: cluster.encoder.workers, 2).")
    Integer workers;

    @Option(names = "--exit-when-done", description = "Stop every process and exit after the scores are in.")
    boolean exitWhenDone;

    @Option(names = "--summary", paramLabel = "FILE",
            description = "Write a JSON summary (processes with pid and peak RSS, ingested, rows_in_milvus, distinct_ids, "
                    + "registry, quality_series, scifact_ndcg_at_10, seconds, ...).")
    Path summary;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "1800",
            description = "Give up if loading or scoring takes longer than this (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Mixin
    StackOptions stackOptions;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        Path zip = StackOptions.scifactZip(data);
        SciFactSubset subset = SciFactSubset.of(new SciFactCorpus(zip), limit);
        String taskId = "scifact-subset-" + (limit > 0 ? Integer.toString(limit) : "all");
        System.out.printf("SciFact subset %s: %d abstracts, %d scored claims (those whose cited abstracts are all loaded)%n",
                taskId, subset.documents().size(), subset.claims().size());
        ConfigSource config = stackOptions.configSource();
        if (workers != null) {
            config = config.with(Map.of(ClusterConfig.WORKERS.key(), Integer.toString(workers)));
        }
        Path repo = Path.of(System.getProperty("omnistream.repo.dir", ".")).toAbsolutePath().normalize();
        ProcessCluster cluster = ProcessCluster.start(repo, config, System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.out.println("\nstopping the cluster (reverse start order)...");
            cluster.close();
            stopped.countDown();
        }, "omnistream-cluster-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean closeHere = true;
        try {
            System.out.println("\nwhere each part listens:");
            for (ProcessCluster.Part p : cluster.parts()) {
                System.out.printf("  %-20s pid %-8d %s%n", p.component(), p.pid(), p.listens());
            }
            Path beir = subset.writeBeir(cluster.runDir().resolve(taskId));
            System.out.println("benchmark subset written to " + beir + " (score it on the embedded stack with: "
                    + "./omnistream replay --beir " + beir + ")\n");

            Duration timeout = Duration.ofSeconds(timeoutSeconds);
            SciFactDemo.Summary loaded = new SciFactDemo(cluster, null, zip, System.out)
                    .ingestAndWait(subset.documents(), timeout);
            System.out.printf("all %d abstracts searchable: %d rows in Milvus for %d distinct ids, %d in DLQ; %.1f s = %.1f "
                            + "abstracts/s over %d encoder workers%n", loaded.ingested(), loaded.rowsInMilvus(),
                    loaded.distinctIds(), loaded.dlq(), loaded.seconds(), loaded.itemsPerSecond(),
                    cluster.encoderWorkers().size());

            BenchmarkTask task = ReplayCommand.beirTask(beir);
            ClusterBenchmark.replay(cluster, task, 0, System.out);
            ClusterBenchmark.Scores scores = ClusterBenchmark.awaitScores(cluster, taskId, 0, task.queries().size(),
                    timeout, System.out);
            System.out.printf("%s scored by the Flink jobs on the session cluster, read from the quality service: NDCG@10 "
                            + "%.4f (exact path), %s claims; served path %s%n", taskId, scores.ndcgAt10(), scores.queries(),
                    scores.byPath().get("served"));

            Map<String, Object> json = new LinkedHashMap<>(loaded.toJson());
            json.put("load_seconds", json.remove("seconds")); // "seconds" below is the whole run, start-up to scores
            List<Map<String, Object>> processes = new ArrayList<>();
            Map<String, Long> rss = cluster.peakRssKb();
            for (ProcessCluster.Part p : cluster.parts()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("component", p.component());
                entry.put("pid", p.pid());
                entry.put("listens", p.listens());
                if (rss.containsKey(p.component())) {
                    entry.put("peak_rss_mb", Math.round(rss.get(p.component()) / 1024.0));
                }
                processes.add(entry);
            }
            json.put("processes", processes);
            json.put("peak_rss_mb_total", Math.round(rss.values().stream().mapToLong(Long::longValue).sum() / 1024.0));
            json.put("registry", Map.of("name", cluster.registry().info().name(),
                    "version", cluster.registry().info().version(), "url", cluster.registryUrl()));
            json.put("quality_series", scores.qualitySeries());
            json.put("scifact_task", taskId);
            json.put("scifact_abstracts", subset.documents().size());
            json.put("scifact_claims", subset.claims().size());
            json.put("scifact_ndcg_at_10", scores.ndcgAt10());
            json.put("scifact_scores", scores.byPath());
            json.put("scifact_beir_dir", beir.toString());
            json.put("flink_jobs", cluster.jobIds());
            json.put("seconds", (System.nanoTime() - t0) / 1e9);
            if (summary != null) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(summary.toFile(), json);
                System.out.println("summary written to " + summary);
            }
            if (!exitWhenDone) {
                System.out.println("\ncluster running: quality page " + cluster.qualityPageUri() + ", Flink UI "
                        + cluster.flink().restUrl() + "   (Ctrl-C to stop)");
                closeHere = false;
                stopped.await();
            }
            return 0;
        } finally {
            if (closeHere) {
                Runtime.getRuntime().removeShutdownHook(hook);
                System.out.println("stopping the cluster (reverse start order)...");
                cluster.close();
            }
        }
    }
}
