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
import io.omnistream.runtime.process.ChildProcess;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./omnistream chaos --scenario soak --duration D}: the multi-process stack under steady load for a long time,
 * watched for growth. The peak ingest rate is measured first (a burst of {@value #CALIBRATION_EVENTS} abstracts through
 * the API, timed until the pipeline drained); then, for {@code duration}, distinct events arrive at half that rate while
 * the benchmark is replayed epoch after epoch (each epoch waits for its scores), and every {@code sampleEvery} the run
 * records the resident set (VmRSS) of every process, the lag of the encoder and sink groups, and the searchable p99:
 * one probe event at a time, at most one every {@value #PROBE_EVERY_SECONDS} s, is timed from the API's acceptance
 * until its row is in Milvus, and the 99th percentile is taken over the probes that completed in the sample's window
 * (with few probes per window that is their maximum; a window without one reports none).
 *
 * <p>Verdict ({@code flat}): comparing the mean of the last third of the samples with the first third (the first
 * sample, the warm-up, left out), no process's RSS grew by more than {@value #RSS_GROWTH_LIMIT_PCT} %, the mean lag
 * did not grow by more than 2× (or stays under 10 s of input), and the searchable p99 did not grow by more than 2×; at
 * the end nothing is lost or doubled. The figures are reported whatever the verdict.
 */
public final class SoakRun {
    static final int CALIBRATION_EVENTS = 300;
    static final int PROBE_EVERY_SECONDS = 5;
    static final double RSS_GROWTH_LIMIT_PCT = 10;
    static final String ID_PREFIX = "soak-";
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(5);

    /** One observation of the running stack. */
    record Sample(double seconds, Map<String, Long> rssMb, long encoderLag, long sinkLag, double searchableP99Ms,
                  int probes, long produced) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("t_seconds", Math.round(seconds));
            m.put("rss_mb", rssMb);
            m.put("encoder_lag", encoderLag);
            m.put("sink_lag", sinkLag);
            m.put("searchable_p99_ms", Double.isNaN(searchableP99Ms) ? null : Math.round(searchableP99Ms));
            m.put("probes", probes);
            m.put("produced", produced);
            return m;
        }
    }

    private SoakRun() {
    }

    /** Runs the soak on a fresh cluster started from {@code repo} and returns the report's {@code soak} object. */
    public static Map<String, Object> run(Path repo, ConfigSource config, SciFactCorpus corpus, Duration duration,
            Duration sampleEvery, Duration timeout, PrintStream out) throws Exception {
        List<Document> pool = SciFactSubset.of(corpus, 2000).documents();
        SciFactSubset bench = SciFactSubset.of(corpus, ChaosRun.BENCH_ABSTRACTS);
        AtomicLong next = new AtomicLong();
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        try (ProcessCluster cluster = ProcessCluster.start(repo, config, out);
             PipelineProbe probe = new PipelineProbe(cluster.bootstrapServers())) {
            BenchmarkTask task = ReplayCommand.beirTask(bench.writeBeir(cluster.runDir().resolve("soak-bench")));
            BulkLoader loader = new BulkLoader(cluster.ingestUri(), 64, 2, 5, Duration.ofSeconds(60), cluster.apiKey());

            // 1. peak: a burst through the API, timed until both groups have committed everything
            long c0 = System.nanoTime();
            load(loader, events(pool, next, CALIBRATION_EVENTS), ids);
            probe.awaitDrained(cluster, cluster.encoderGroupId(), MilvusSinkConfig.SINK_GROUP_ID.defaultValue(), timeout, out);
            double peak = CALIBRATION_EVENTS / ((System.nanoTime() - c0) / 1e9);
            double rate = peak / 2;
            out.printf(Locale.ROOT, "[soak] peak %.1f events/s (burst of %d until drained); holding %.1f events/s for %d s%n",
                    peak, CALIBRATION_EVENTS, rate, duration.toSeconds());

            // 2. steady load, benchmark replay and probes, each on its own thread until the duration is over
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<double[]> probes = new ConcurrentLinkedQueue<>(); // {completedAtSeconds, latencyMs}
            AtomicLong epochs = new AtomicLong();
            long t0 = System.nanoTime();
            ExecutorService threads = Executors.newFixedThreadPool(3);
            List<Future<?>> work = new ArrayList<>();
            // the load thread ends on its own at the next tick (never interrupted mid-request: every event it
            // counts was accepted); the replay and probe threads are interrupted at the end, as their waits are long
            Future<?> loadWork = threads.submit(() -> {
                long sent = 0;
                while (!stop.get()) {
                    long due = (long) (rate * (System.nanoTime() - t0) / 1e9) - sent;
                    if (due > 0) {
                        load(loader, events(pool, next, (int) due), ids);
                        sent += due;
                    }
                    Thread.sleep(1000); // the load's pace: one tick per second
                }
                return null;
            });
            work.add(loadWork);
            work.add(threads.submit(() -> {
                for (int epoch = 0; !stop.get(); epoch++) {
                    ClusterBenchmark.replay(cluster, task, epoch, out);
                    ClusterBenchmark.awaitScores(cluster, task.id(), epoch, task.queries().size(), timeout, out);
                    epochs.incrementAndGet();
                }
                return null;
            }));
            work.add(threads.submit(() -> {
                while (!stop.get()) {
                    List<MediaRequest> one = events(pool, next, 1);
                    long p0 = System.nanoTime();
                    load(loader, one, ids);
                    long deadline = p0 + PROBE_TIMEOUT.toNanos();
                    while (cluster.rowsPerContentId(List.of(one.get(0).contentId())).getOrDefault(one.get(0).contentId(), 0L) == 0) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("probe " + one.get(0).contentId() + " not searchable within "
                                    + PROBE_TIMEOUT.toSeconds() + " s");
                        }
                        Thread.sleep(100); // pace of the lookup; the condition is the row count
                    }
                    long done = System.nanoTime();
                    probes.add(new double[] {(done - t0) / 1e9, (done - p0) / 1e6});
                    long wait = p0 + PROBE_EVERY_SECONDS * 1_000_000_000L - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000); // the probes' schedule
                    }
                }
                return null;
            }));

            List<Sample> samples = new ArrayList<>();
            try {
                for (long at = sampleEvery.toNanos(); at <= duration.toNanos(); at += sampleEvery.toNanos()) {
                    long wait = t0 + at - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000); // the sampling schedule
                    }
                    for (Future<?> f : work) {
                        if (f.isDone()) {
                            f.get(); // a load, replay or probe thread that failed ends the soak with its error
                        }
                    }
                    double now = (System.nanoTime() - t0) / 1e9;
                    double from = now - sampleEvery.toNanos() / 1e9;
                    List<Double> window = probes.stream().filter(p -> p[0] > from && p[0] <= now).map(p -> p[1]).sorted().toList();
                    Sample s = new Sample(now, rssMb(cluster), probe.lag(cluster.encoderGroupId(), cluster.mediaTopic()),
                            probe.lag(MilvusSinkConfig.SINK_GROUP_ID.defaultValue(), cluster.embeddingTopic()),
                            percentile(window, 0.99), window.size(), next.get());
                    samples.add(s);
                    out.printf(Locale.ROOT, "[soak] t=%4.0f s  produced %d  lag %d/%d  searchable p99 %s ms (%d probes)  "
                                    + "RSS MB %s  epochs scored %d%n", now, s.produced(), s.encoderLag(), s.sinkLag(),
                            Double.isNaN(s.searchableP99Ms()) ? "-" : String.format(Locale.ROOT, "%.0f", s.searchableP99Ms()),
                            s.probes(), s.rssMb(), epochs.get());
                }
            } finally {
                stop.set(true);
                work.stream().filter(f -> f != loadWork).forEach(f -> f.cancel(true));
                threads.shutdown();
            }
            loadWork.get(); // within one tick

            // 3. the end: drained, then every id counted
            probe.awaitDrained(cluster, cluster.encoderGroupId(), MilvusSinkConfig.SINK_GROUP_ID.defaultValue(), timeout, out);
            Map<String, Long> rows = cluster.rowsPerContentId(new ArrayList<>(ids));
            long distinct = rows.values().stream().filter(n -> n > 0).count();
            long total = rows.values().stream().mapToLong(Long::longValue).sum();
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("duration_seconds", duration.toSeconds());
            report.put("peak_events_per_second", round1(peak));
            report.put("rate_events_per_second", round1(rate));
            report.put("produced", (long) ids.size());
            report.put("lost", ids.size() - distinct);
            report.put("duplicated", total - distinct);
            report.put("benchmark_epochs_scored", epochs.get());
            report.putAll(verdict(samples, rate * sampleEvery.toSeconds()));
            report.put("samples", samples.stream().map(Sample::toJson).toList());
            return report;
        }
    }

    /** The growth figures and the {@code flat} verdict (see the class comment). */
    static Map<String, Object> verdict(List<Sample> samples, double lagAllowance) {
        Map<String, Object> v = new LinkedHashMap<>();
        List<Sample> steady = samples.size() > 1 ? samples.subList(1, samples.size()) : samples;
        int third = Math.max(1, steady.size() / 3);
        List<Sample> first = steady.subList(0, third);
        List<Sample> last = steady.subList(steady.size() - third, steady.size());
        Map<String, Double> rssGrowth = new LinkedHashMap<>();
        boolean flat = true;
        for (String process : steady.get(0).rssMb().keySet()) {
            double a = first.stream().mapToDouble(s -> s.rssMb().getOrDefault(process, 0L)).average().orElse(0);
            double b = last.stream().mapToDouble(s -> s.rssMb().getOrDefault(process, 0L)).average().orElse(0);
            double pct = a == 0 ? 0 : 100 * (b - a) / a;
            rssGrowth.put(process, round1(pct));
            flat &= pct <= RSS_GROWTH_LIMIT_PCT;
        }
        double lagA = first.stream().mapToDouble(s -> s.encoderLag() + s.sinkLag()).average().orElse(0);
        double lagB = last.stream().mapToDouble(s -> s.encoderLag() + s.sinkLag()).average().orElse(0);
        double p99A = first.stream().mapToDouble(Sample::searchableP99Ms).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
        double p99B = last.stream().mapToDouble(Sample::searchableP99Ms).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
        flat &= lagB <= Math.max(2 * lagA, lagAllowance);
        flat &= Double.isNaN(p99A) || Double.isNaN(p99B) || p99B <= 2 * p99A;
        v.put("rss_growth_pct", rssGrowth);
        v.put("lag_mean_first_third", round1(lagA));
        v.put("lag_mean_last_third", round1(lagB));
        v.put("searchable_p99_ms_first_third", Double.isNaN(p99A) ? null : Math.round(p99A));
        v.put("searchable_p99_ms_last_third", Double.isNaN(p99B) ? null : Math.round(p99B));
        v.put("flat", flat);
        return v;
    }

    /** The {@code q} quantile (nearest rank) of sorted values; NaN when there are none. */
    static double percentile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static Map<String, Long> rssMb(ProcessCluster cluster) {
        Map<String, Long> rss = new LinkedHashMap<>();
        for (ProcessCluster.Part p : cluster.parts()) {
            long pid = cluster.child(p.component()) != null ? cluster.child(p.component()).pid() : p.pid();
            ChildProcess.vmRssKb(pid).ifPresent(kb -> rss.put(p.component(), kb / 1024));
        }
        return rss;
    }

    /**
     * {@code n} distinct events: abstracts of the pool in turn, each with its own id and a suffix naming it (counted at
     * the end once the API accepted them, see {@link #load}).
     */
    private static List<MediaRequest> events(List<Document> pool, AtomicLong next, int n) {
        List<MediaRequest> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long k = next.getAndIncrement();
            Document d = pool.get((int) (k % pool.size()));
            String id = ID_PREFIX + k;
            batch.add(new MediaRequest(id, null, "TEXT", d.text() + " [soak event " + k + "]", null, null, null, null,
                    "soak", null));
        }
        return batch;
    }

    /** Sends {@code events} through the API and adds their ids to {@code ids} once all were accepted. */
    private static void load(BulkLoader loader, List<MediaRequest> events, List<String> ids) throws InterruptedException {
        BulkLoader.Result r = loader.load(events.iterator(), events.size(), p -> { });
        if (r.rejected() > 0) {
            throw new IllegalStateException("the ingest API rejected " + r.rejected() + " soak events: " + r.failures());
        }
        events.forEach(e -> ids.add(e.contentId()));
    }

    private static double round1(double d) {
        return Math.round(d * 10) / 10.0;
    }
}
