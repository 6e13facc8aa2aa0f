package io.omnistream.launcher.cluster;

import io.omnistream.ingest.produce.MediaEventProducer;
import io.omnistream.replay.BenchmarkReplayer;
import io.omnistream.replay.BenchmarkTask;
import io.omnistream.replay.JudgmentProducer;
import io.omnistream.schemas.Topics;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Replays a benchmark task into a {@link ProcessCluster} (publishing from this JVM to its broker with its registry,
 * as {@code ./omnistream replay} does into the embedded stack) and reads the scores back where an operator would: the
 * quality service's {@code /metrics}, fed by the Flink jobs on the session cluster.
 */
public final class ClusterBenchmark {
    static final String QUALITY = "omnistream_retrieval_quality";
    static final String QUERIES = "omnistream_retrieval_quality_queries";
    static final String EPOCH = "omnistream_retrieval_quality_epoch";
    private static final List<String> PATHS = List.of(QualityVocabulary.PATH_EXACT, QualityVocabulary.PATH_SERVED);

    /**
     * Task-scope metrics of one epoch per path ({@code exact}, {@code served}), the queries each path scored, and the
     * series count seen.
     */
    public record Scores(String task, int epoch, long queries, long servedQueries, Map<String, Map<String, Double>> byPath,
            int qualitySeries) {
        /** NDCG@10 on the exact path (the whole candidate set ranked by cosine), or NaN. */
        public double ndcgAt10() {
            return byPath.getOrDefault(QualityVocabulary.PATH_EXACT, Map.of())
                    .getOrDefault(QualityVocabulary.NDCG_AT_10, Double.NaN);
        }
    }

    private ClusterBenchmark() {
    }

    /** Publishes epoch {@code epoch} of {@code task} (media events, then judgments); progress lines to {@code out}. */
    public static void replay(ProcessCluster cluster, BenchmarkTask task, int epoch, PrintStream out)
            throws InterruptedException {
        try (MediaEventProducer events = new MediaEventProducer(cluster.ingestConfig());
             JudgmentProducer judgments = new JudgmentProducer(cluster.bootstrapServers(), cluster.registryUrl(),
                     Topics.JUDGMENTS)) {
            new BenchmarkReplayer(events, judgments, 0, Duration.ofMinutes(10)).run(List.of(task), epoch, 1,
                    p -> out.printf("replayed epoch %d of %s: %d events, %d judgments (%.0f events/s)%n", p.epoch(),
                            p.taskId(), p.events(), p.judgments(), p.eventsPerSecond()));
        }
    }

    /**
     * Polls the quality service's {@code /metrics} until {@code task} reports epoch {@code epoch} with all
     * {@code queries} scored on both paths; progress every 10 s.
     *
     * @throws IllegalStateException after {@code timeout}, naming what was scored so far
     */
    public static Scores awaitScores(ProcessCluster cluster, String task, int epoch, long queries, Duration timeout,
            PrintStream out) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextProgress = 0;
        String status = "";
        while (true) {
            String scrape = Http.get(cluster.qualityMetricsUri().toString());
            Scores scores = read(scrape, task, epoch);
            boolean done = true;
            StringBuilder line = new StringBuilder();
            for (String path : PATHS) {
                long scored = Math.round(sample(scrape, QUERIES, task, path, null, epoch));
                done &= scored >= queries;
                line.append(String.format(" %s %d/%d", path, Math.max(0, scored), queries));
            }
            status = line.toString();
            if (done) {
                return scores;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the quality service did not report epoch " + epoch + " of " + task
                        + " within " + timeout.toSeconds() + " s:" + status);
            }
            if (System.nanoTime() > nextProgress) {
                out.println("waiting for epoch " + epoch + " scores of " + task + ":" + status);
                nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            }
            Thread.sleep(500); // polling pace of an HTTP scrape; the condition is checked above
        }
    }

    /** Scores of {@code task} in one scrape (empty maps when the epoch is not the newest reported). */
    static Scores read(String scrape, String task, int epoch) {
        Map<String, Map<String, Double>> byPath = new LinkedHashMap<>();
        for (String path : PATHS) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            if (epochOf(scrape, task, path) == epoch) {
                for (PrometheusText.Sample s : PrometheusText.samples(scrape, QUALITY)) {
                    if (isTaskSeries(s, task, path)) {
                        metrics.put(s.labels().get("metric"), s.value());
                    }
                }
            }
            byPath.put(path, metrics);
        }
        long queries = Math.round(Math.max(0, sample(scrape, QUERIES, task, QualityVocabulary.PATH_EXACT, null, epoch)));
        long served = Math.round(Math.max(0, sample(scrape, QUERIES, task, QualityVocabulary.PATH_SERVED, null, epoch)));
        return new Scores(task, epoch, queries, served, byPath, PrometheusText.samples(scrape, QUALITY).size());
    }

    private static double sample(String scrape, String family, String task, String path, String metric, int epoch) {
        if (epochOf(scrape, task, path) != epoch) {
            return -1;
        }
        return PrometheusText.samples(scrape, family).stream()
                .filter(s -> isTaskSeries(s, task, path) && (metric == null || metric.equals(s.labels().get("metric"))))
                .mapToDouble(PrometheusText.Sample::value).max().orElse(-1);
    }

    private static long epochOf(String scrape, String task, String path) {
        return PrometheusText.samples(scrape, EPOCH).stream()
                .filter(s -> task.equals(s.labels().get("task")) && path.equals(s.labels().get("path")))
                .mapToLong(s -> Math.round(s.value())).max().orElse(-1);
    }

    private static boolean isTaskSeries(PrometheusText.Sample s, String task, String path) {
        return task.equals(s.labels().get("task")) && path.equals(s.labels().get("path"))
                && QualityVocabulary.SCOPE_TASK.equals(s.labels().get("scope"));
    }
}
