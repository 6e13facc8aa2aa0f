package io.omnistream.launcher.chaos;

import io.omnistream.ingest.load.BulkLoader;
import io.omnistream.ingest.load.Document;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.ingest.validate.MediaRequest;
import io.omnistream.launcher.cli.ReplayCommand;
import io.omnistream.launcher.cluster.ClusterBenchmark;
import io.omnistream.launcher.cluster.ProcessCluster;
import io.omnistream.launcher.demo.SciFactSubset;
import io.omnistream.launcher.stack.PipelineProbe;
import io.omnistream.milvus.config.MilvusSinkConfig;
import io.omnistream.replay.BenchmarkTask;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.error.DeadLetter;
import io.omnistream.runtime.error.DeadLetterQueue;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * One chaos scenario on a fresh {@link ProcessCluster}, counted by id: N distinct SciFact abstracts go through the
 * ingest API while the scenario injects its faults and a small benchmark task is replayed and scored by the Flink
 * jobs; once the faults have ended and the pipeline has drained, every id is looked up in Milvus and the dead-letter
 * topic and the quality service's query counts are read.
 *
 * <p>Definitions (the report's keys): {@code produced} ids the API accepted; {@code distinct_ids} of those with at least
 * one row in Milvus; {@code rows_in_milvus} rows of those ids; {@code lost} = produced − distinct ids;
 * {@code duplicated} = rows − distinct ids; {@code dlq} every dead letter (no bad input is sent, so any is a fault
 * leaking into the DLQ), with {@code dlq_reasons} by stage and reason; {@code metrics_double_counted} = the replayed
 * task's {@code queries} count on the quality service above its true count (exact and served path, summed);
 * {@code recovery_seconds} from the end of the last fault until the pipeline had drained (lag 0) with every id
 * searchable.
 */
public final class ChaosRun {
    /** Abstracts of the benchmark task replayed during the faults (its claims are the scored queries). */
    static final int BENCH_ABSTRACTS = 40;
    static final String ID_PREFIX = "chaos-";

    /** The counts of one scenario. */
    public record Result(String scenario, long produced, long rowsInMilvus, long distinctIds, long lost, long duplicated,
            long dlq, Map<String, Long> dlqReasons, long metricsDoubleCounted, double recoverySeconds, double seconds) {
        /** True when nothing was lost, doubled, dead-lettered or counted twice. */
        public boolean clean() {
            return lost == 0 && duplicated == 0 && dlq == 0 && metricsDoubleCounted == 0;
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("produced", produced);
            m.put("rows_in_milvus", rowsInMilvus);
            m.put("distinct_ids", distinctIds);
            m.put("lost", lost);
            m.put("duplicated", duplicated);
            m.put("dlq", dlq);
            m.put("dlq_reasons", dlqReasons);
            m.put("metrics_double_counted", metricsDoubleCounted);
            m.put("recovery_seconds", Math.round(recoverySeconds * 10) / 10.0);
            m.put("seconds", Math.round(seconds * 10) / 10.0);
            return m;
        }
    }

    private ChaosRun() {
    }

    /**
     * Runs {@code scenario} with {@code events} abstracts on a cluster started from {@code repo} with {@code config}
     * ({@code outage}: how long Milvus stays down or hung in those scenarios), and stops the cluster.
     */
    public static Result run(ChaosScenario scenario, Path repo, ConfigSource config, SciFactCorpus corpus, int events,
            long seed, Duration outage, Duration timeout, PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        List<Document> documents = SciFactSubset.of(corpus, events).documents();
        SciFactSubset bench = SciFactSubset.of(corpus, BENCH_ABSTRACTS);
        out.printf("[chaos] %s: %s; %d events, benchmark of %d abstracts / %d claims%n", scenario.id(),
                scenario.description(), documents.size(), bench.documents().size(), bench.claims().size());
        try (ProcessCluster cluster = ProcessCluster.start(repo, config, out)) {
            BenchmarkTask task = ReplayCommand.beirTask(bench.writeBeir(cluster.runDir().resolve("chaos-bench")));
            List<MediaRequest> requests = documents.stream().map(d -> d.toMediaRequest(ID_PREFIX, "chaos")).toList();

            CompletableFuture<Long> faultsEnded = CompletableFuture.supplyAsync(() -> {
                try {
                    scenario.inject(cluster, new Random(seed), outage, out);
                    return System.nanoTime();
                } catch (Exception e) {
                    throw new IllegalStateException("fault injection of " + scenario.id() + " failed: " + e, e);
                }
            });
            BulkLoader loader = new BulkLoader(cluster.ingestUri(), 64, 4, 5, Duration.ofSeconds(60), cluster.apiKey());
            BulkLoader.Result loaded = loader.load(requests.iterator(), requests.size(), p -> { });
            out.printf("[chaos] ingest API accepted %d, duplicates %d, rejected %d%n", loaded.accepted(),
                    loaded.duplicates(), loaded.rejected());
            ClusterBenchmark.replay(cluster, task, 0, out);
            long faultsEndedAt = join(faultsEnded);
            try (PipelineProbe probe = new PipelineProbe(cluster.bootstrapServers())) {
                probe.awaitDrained(cluster, cluster.encoderGroupId(),
                        MilvusSinkConfig.SINK_GROUP_ID.defaultValue(), timeout, out);
            }
            double recovery = (System.nanoTime() - faultsEndedAt) / 1e9;
            ClusterBenchmark.Scores scores = ClusterBenchmark.awaitScores(cluster, task.id(), 0, task.queries().size(),
                    timeout, out);
            long doubleCounted = Math.max(0, scores.queries() - task.queries().size())
                    + Math.max(0, scores.servedQueries() - task.queries().size());

            List<String> ids = requests.stream().map(MediaRequest::contentId).toList();
            Map<String, Long> rows = cluster.rowsPerContentId(ids);
            long distinct = rows.values().stream().filter(n -> n > 0).count();
            long total = rows.values().stream().mapToLong(Long::longValue).sum();
            List<DeadLetter> letters = DeadLetterQueue.read(cluster.bootstrapServers(), cluster.registryUrl(),
                    cluster.dlqTopic(), Duration.ofSeconds(30));
            Map<String, Long> reasons = new TreeMap<>(letters.stream().collect(Collectors.groupingBy(
                    l -> l.event().getStage() + ": " + l.event().getReason(), Collectors.counting())));
            long produced = loaded.accepted() + loaded.duplicates();
            return new Result(scenario.id(), produced, total, distinct, produced - distinct, total - distinct,
                    letters.size(), reasons, doubleCounted, recovery, (System.nanoTime() - t0) / 1e9);
        }
    }

    private static long join(CompletableFuture<Long> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }
}
