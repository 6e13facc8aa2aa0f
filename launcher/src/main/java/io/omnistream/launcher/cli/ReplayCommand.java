package io.omnistream.launcher.cli;

import io.omnistream.launcher.report.BiasReport;
import io.omnistream.launcher.report.CentroidsExport;
import io.omnistream.launcher.report.RankingsExport;
import io.omnistream.launcher.report.ReplayReport;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.launcher.stack.PipelineProbe;
import io.omnistream.quality.view.QualityMetricsView;
import io.omnistream.replay.BenchmarkReplayer;
import io.omnistream.replay.BenchmarkTask;
import io.omnistream.replay.JudgmentProducer;
import io.omnistream.replay.MetaTask;
import io.omnistream.replay.MmebTaskReader;
import io.omnistream.replay.RankingScope;
import io.omnistream.replay.RetrievalTaskReader;
import io.omnistream.replay.TaskCatalog;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.Topics;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./omnistream replay}: benchmark tasks through the production path of the embedded stack, scored live by the
 * retrieval-quality Flink job, reported when the last epoch's metrics are in.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {
            "Start the embedded stack, replay benchmark tasks through it (media events + judgments, N epochs), wait until",
            "the retrieval-quality job has scored every query of the last epoch on the requested paths, and print (and",
            "with --report write) {task: {path: {metric: value, \"queries\": n}}}. Tasks whose items were dead-lettered",
            "(e.g. images without an image model) are reported as \"not scored\" with the reason."})
public final class ReplayCommand implements Callable<Integer> {
    /** Which paths to score and wait for. */
    public enum Paths { exact, served, both }

    @Option(names = "--task", paramLabel = "NAME",
            description = "Built-in task (repeatable): scifact, dbpedia, coco-i2t, coco-t2i, tux-i2t, tux-t2i.")
    List<String> tasks = new ArrayList<>();

    @Option(names = "--beir", paramLabel = "DIR",
            description = "A BEIR directory (corpus.jsonl, queries.jsonl, qrels/test.tsv); task id = the directory name.")
    List<Path> beirDirs = new ArrayList<>();

    @Option(names = "--mmeb", paramLabel = "FILE",
            description = "An MMEB-style JSONL task (qry_text/qry_img_path, tgt_text[]/tgt_img_path[]; gold = element 0; "
                    + "each query ranked against its own targets); media paths relative to the file's directory; a file listed "
                    + "in a tasks.json beside it (build-crossmodal's output) is opened with that description.")
    List<Path> mmebFiles = new ArrayList<>();

    @Option(names = "--catalog", paramLabel = "FILE",
            description = "A tasks.json (e.g. from build-crossmodal): replay its tasks (all, or those named by --task); "
                    + "paths in it are relative to its directory.")
    Path catalog;

    @Option(names = "--data", paramLabel = "DIR", description = "Root of the shared data for --task (default: ../shared/data).")
    Path dataRoot;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "1", description = "Epochs to replay (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--first-epoch", paramLabel = "N", defaultValue = "0",
            description = "Number of the first epoch (use a new one when replaying into a stack that already saw an epoch).")
    int firstEpoch;

    @Option(names = "--path", paramLabel = "exact|served|both", defaultValue = "both",
            description = "Score on the exact path, the served (Milvus) path, or both (default: ${DEFAULT-VALUE}).")
    Paths path;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the JSON report here.")
    Path report;

    @Option(names = "--export-rankings", paramLabel = "FILE",
            description = "Write one JSON line per query and path of the last epoch: {task, query_id, epoch, path, ranking: [[id, score], ...]} (top 100).")
    Path exportRankings;

    @Option(names = "--export-centroids", paramLabel = "FILE",
            description = "Write the per-modality mean of the model version's candidate vectors of the last epoch (JSON "
                    + "{\"TEXT\": [..], ..}), the centroids file of the encoder's 'center' post-processing step.")
    Path exportCentroids;

    @Option(names = "--rate", paramLabel = "EVENTS_PER_S", defaultValue = "0",
            description = "Pace media events (0 = as fast as the broker acknowledges).")
    double rate;

    @Option(names = "--timeout", paramLabel = "MINUTES", defaultValue = "120",
            description = "Give up waiting for the last epoch's metrics after this long (default: ${DEFAULT-VALUE}).")
    long timeoutMinutes;

    @Mixin
    StackOptions stackOptions;

    @Override
    public Integer call() throws Exception {
        if (tasks.isEmpty() && beirDirs.isEmpty() && mmebFiles.isEmpty() && catalog == null) {
            throw new IllegalArgumentException("name at least one task: --task NAME, --catalog FILE, --beir DIR or --mmeb FILE");
        }
        if (epochs < 1 || firstEpoch < 0) {
            throw new IllegalArgumentException("--epochs must be >= 1 and --first-epoch >= 0");
        }
        Path generated = Files.createTempDirectory("omnistream-tasks");
        List<BenchmarkTask> benchmark = openTasks(generated);
        ConfigSource config = stackOptions.configSource();
        if (path == Paths.exact) {
            config = config.with(Map.of("quality.served.enabled", "false"));
        }
        try (EmbeddedStack stack = EmbeddedStack.start(config, System.out)) {
            if (stack.qualityConfig() == null) {
                throw new IllegalStateException("the quality job is disabled (launcher.quality-job.enabled=false)");
            }
            Outcome outcome = run(stack, benchmark, firstEpoch, epochs, paths(), Duration.ofMinutes(timeoutMinutes), rate,
                    System.out);
            ReplayReport result = outcome.report();
            if (stack.biasConfig() != null) { // the bias job's records of the last epoch: "bias" key per model version
                BiasReport.awaitSettled(stack.qualityView(), outcome.lastEpoch(),
                        stack.biasConfig().emitInterval().multipliedBy(3), Duration.ofMinutes(2));
                result = result.withBias(BiasReport.of(stack.qualityView()));
            }
            System.out.println();
            System.out.println(result.toText());
            if (report != null) {
                result.write(report);
                System.out.println("report written to " + report);
            }
            if (exportRankings != null) {
                int lines = RankingsExport.write(exportRankings, stack.bootstrapServers(), stack.registryUrl(),
                        stack.qualityConfig().rankingsTopic(), benchmark.stream().map(BenchmarkTask::id).toList(),
                        outcome.lastEpoch(), new LinkedHashSet<>(paths()));
                System.out.println(lines + " rankings written to " + exportRankings);
            }
            if (exportCentroids != null) {
                System.out.println("centroids " + CentroidsExport.write(exportCentroids, stack.bootstrapServers(),
                        stack.registryUrl(), stack.embeddingTopic(), stack.modelVersion(), outcome.lastEpoch())
                        + " written to " + exportCentroids);
            }
            return outcome.complete() ? 0 : 1;
        }
    }

    /** The result of {@link #run}: the report, the epoch it is about, and whether every task finished in time. */
    public record Outcome(ReplayReport report, int lastEpoch, boolean complete, double secondsPerEpoch) {}

    /**
     * Replays {@code tasks} for {@code epochs} epochs into {@code stack} and waits until the quality job reported every
     * query of the last epoch on every path (or the task as not scored). Progress lines go to {@code out}.
     */
    public static Outcome run(EmbeddedStack stack, List<BenchmarkTask> tasks, int firstEpoch, int epochs,
            List<String> paths, Duration timeout, double eventsPerSecond, PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        int lastEpoch = firstEpoch + epochs - 1;
        Map<String, Integer> queries = new LinkedHashMap<>();
        for (BenchmarkTask task : tasks) {
            queries.put(task.id(), task.queries().size());
        }
        try (JudgmentProducer judgments = new JudgmentProducer(stack.bootstrapServers(), stack.registryUrl(),
                Topics.JUDGMENTS)) {
            new BenchmarkReplayer(stack.producer(), judgments, eventsPerSecond, Duration.ofMinutes(10))
                    .run(tasks, firstEpoch, epochs, p -> out.printf("replayed epoch %d of %s: %d events, %d judgments "
                            + "(%.0f events/s)%n", p.epoch(), p.taskId(), p.events(), p.judgments(), p.eventsPerSecond()));
        }
        QualityMetricsView view = stack.qualityView();
        boolean complete;
        try (PipelineProbe probe = new PipelineProbe(stack.bootstrapServers())) {
            complete = awaitScores(stack, probe, queries, lastEpoch, paths, System.nanoTime() + timeout.toNanos(), out);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (complete) {
            out.printf("all tasks of epoch %d reported after %.1f s (%.1f s per epoch)%n", lastEpoch, seconds,
                    seconds / epochs);
        } else {
            out.printf("timed out after %.1f s: the report below holds what was scored so far%n", seconds);
        }
        if (complete && epochs > 1) {
            printEpochAgreement(view, queries.keySet(), firstEpoch, lastEpoch, paths, out);
        }
        ReplayReport report = ReplayReport.of(view, new ArrayList<>(queries.keySet()), lastEpoch, paths);
        return new Outcome(report, lastEpoch, complete, seconds / epochs);
    }

    /**
     * Replaying the same task again must give the same figures: prints, per task and path, the largest difference of
     * any metric between each earlier epoch still held by the view and the last one.
     */
    private static void printEpochAgreement(QualityMetricsView view, Iterable<String> taskIds, int firstEpoch,
            int lastEpoch, List<String> paths, PrintStream out) {
        for (String task : taskIds) {
            for (String p : paths) {
                Map<String, Object> last = view.taskReport(task, lastEpoch, p);
                for (int epoch = firstEpoch; epoch < lastEpoch; epoch++) {
                    Map<String, Object> earlier = view.taskReport(task, epoch, p);
                    if (earlier.isEmpty() || last.isEmpty()) {
                        continue;
                    }
                    double maxDiff = 0;
                    for (String metric : QualityVocabulary.RETRIEVAL_METRICS) {
                        if (earlier.get(metric) instanceof Number a && last.get(metric) instanceof Number b) {
                            maxDiff = Math.max(maxDiff, Math.abs(a.doubleValue() - b.doubleValue()));
                        }
                    }
                    out.printf("epochs %d and %d of %s (%s): largest metric difference %.3g%s%n", epoch, lastEpoch,
                            task, p, maxDiff, maxDiff == 0 ? " (identical)" : "");
                }
            }
        }
    }

    /**
     * Polls the quality view until every task reported all its queries of {@code lastEpoch} on every path, or was
     * reported not scored, the encoder's backlog is empty and its dead-letter count stayed the same for 5 s; prints progress
     * every 10 s. Returns whether that happened before {@code deadlineNanos}.
     */
    private static boolean awaitScores(EmbeddedStack stack, PipelineProbe probe, Map<String, Integer> queries,
            int lastEpoch, List<String> paths, long deadlineNanos, PrintStream out) throws InterruptedException {
        QualityMetricsView view = stack.qualityView();
        Map<String, Long> notScoredSince = new LinkedHashMap<>();
        long nextProgress = 0;
        while (System.nanoTime() < deadlineNanos) {
            boolean complete = true;
            StringBuilder status = new StringBuilder();
            Long backlog = null; // asked at most once per poll, and only when a task is not scored
            for (var task : queries.entrySet()) {
                Optional<QualityMetricsView.NotScored> notScored = view.notScored(task.getKey(), lastEpoch);
                if (notScored.isPresent()) {
                    long count = notScored.get().deadLettered();
                    long since = notScoredSince.computeIfAbsent(task.getKey() + "#" + count, k -> System.nanoTime());
                    if (backlog == null) {
                        backlog = probe.lag(stack.encoderGroupId(), stack.mediaTopic());
                    }
                    // settled only once the encoder drained: slow media (OCR, speech) can dead-letter more items later
                    complete &= backlog == 0 && System.nanoTime() - since >= Duration.ofSeconds(5).toNanos();
                    status.append(String.format(" %s: not scored (%d dead-lettered)", task.getKey(), count));
                    continue;
                }
                for (String p : paths) {
                    long scored = Math.max(0, view.queriesScored(task.getKey(), lastEpoch, p));
                    complete &= scored >= task.getValue();
                    status.append(String.format(" %s %s %d/%d", task.getKey(), p, scored, task.getValue()));
                }
            }
            if (complete) {
                return true;
            }
            if (System.nanoTime() > nextProgress) {
                out.println("waiting for epoch " + lastEpoch + " scores:" + status + " (encoder backlog "
                        + probe.lag(stack.encoderGroupId(), stack.mediaTopic()) + " events)");
                nextProgress = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            }
            Thread.sleep(250);
        }
        return false;
    }

    private List<String> paths() {
        return switch (path) {
            case exact -> List.of("exact");
            case served -> List.of("served");
            case both -> List.of("exact", "served");
        };
    }

    private List<BenchmarkTask> openTasks(Path generated) throws IOException {
        List<BenchmarkTask> out = new ArrayList<>();
        if (catalog != null) {
            TaskCatalog file = TaskCatalog.read(catalog);
            Path root = catalog.toAbsolutePath().getParent();
            for (var d : file.definitions()) {
                if (tasks.isEmpty() || tasks.contains(d.id())) {
                    out.add(file.open(d.id(), root, generated));
                }
            }
            return out;
        }
        Path data = dataRoot != null ? dataRoot : StackOptions.defaultDataRoot();
        TaskCatalog builtIn = TaskCatalog.builtIn();
        for (String name : tasks) {
            out.add(builtIn.open(name, data, generated));
        }
        for (Path dir : beirDirs) {
            out.add(beirTask(dir));
        }
        for (Path file : mmebFiles) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--mmeb " + file + ": no such file");
            }
            // A file described by a tasks.json beside it (build-crossmodal's output) keeps that description: its
            // media root, instructions, modalities and ranking scope.
            Path dir = file.toAbsolutePath().getParent();
            Path described = dir.resolve("tasks.json");
            if (Files.isRegularFile(described)) {
                TaskCatalog siblings = TaskCatalog.read(described);
                var definition = siblings.definitions().stream()
                        .filter(d -> file.getFileName().toString().equals(d.path())).findFirst();
                if (definition.isPresent()) {
                    out.add(siblings.open(definition.get().id(), dir, generated));
                    continue;
                }
            }
            String id = file.getFileName().toString().replaceFirst("\\.jsonl$", "");
            out.add(MmebTaskReader.read(id, file, file.toAbsolutePath().getParent(), MetaTask.RET, RankingScope.LOCAL,
                    null, null, null, null, null));
        }
        return out;
    }

    /** A BEIR directory as a GLOBAL text→text task named after the directory, judged by NDCG@10 (as MTEB reports). */
    public static BenchmarkTask beirTask(Path dir) {
        for (String required : List.of("corpus.jsonl", "queries.jsonl", "qrels/test.tsv")) {
            if (!Files.isRegularFile(dir.resolve(required))) {
                throw new IllegalArgumentException("--beir " + dir + ": missing " + required);
            }
        }
        return RetrievalTaskReader.beirLayout(dir.toAbsolutePath().normalize().getFileName().toString(), dir, "test",
                MetaTask.BEIR, Modality.TEXT, Modality.TEXT, null, null, null, null);
    }
}
