package io.omnistream.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.launcher.chaos.ChaosRun;
import io.omnistream.launcher.chaos.ChaosScenario;
import io.omnistream.launcher.chaos.SoakRun;
import io.omnistream.flink.quality.job.QualityJobConfig;
import io.omnistream.launcher.cluster.ClusterConfig;
import io.omnistream.runtime.config.ConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./omnistream chaos}: faults injected into the multi-process stack, counted by id. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {
            "Fault suite on the multi-process stack ('./omnistream cluster', a fresh one per scenario): N distinct "
                    + "SciFact abstracts go through the ingest API while the scenario injects its faults and a small "
                    + "benchmark task is replayed and scored; then every id is counted in Milvus.",
            "",
            "Scenarios: kill-worker (kill -9 an encoder worker 10 times), kill-sink (kill -9 the Milvus sink 5 times), "
                    + "milvus-outage-60s, milvus-hang (SIGSTOP 60 s), broker-restart (kill -9, back after 10 s), "
                    + "registry-restart (stop, start on the same storage), flink-taskmanager-kill.",
            "",
            "soak (not part of 'all'): half of the measured peak ingest rate for --duration with the benchmark "
                    + "replaying; reports RSS of every process, consumer lag and searchable p99 over time and whether "
                    + "they stayed flat.",
            "",
            "Report (--report): {scenario: {produced, rows_in_milvus, distinct_ids, lost, duplicated, dlq, dlq_reasons, "
                    + "metrics_double_counted, recovery_seconds, seconds}}. Exit code 1 when any scenario lost, doubled, "
                    + "dead-lettered or double-counted anything (the report is written first)."})
public final class ChaosCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--scenario", paramLabel = "NAME", defaultValue = "all",
            description = "A scenario, 'all' (every fault scenario) or 'soak' (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = "--events", paramLabel = "N", defaultValue = "1000", description = "Distinct events per scenario (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed of the fault schedule (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--outage", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long Milvus stays down (milvus-outage-60s) or hung (milvus-hang), e.g. 600 for a "
                    + "10-minute outage (default: ${DEFAULT-VALUE}).")
    long outageSeconds;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "30m", converter = DurationConverter.class,
            description = "How long the soak holds its load, e.g. 30m, 90s, 2h (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--sample-every", paramLabel = "D", defaultValue = "30s", converter = DurationConverter.class,
            description = "The soak's sampling interval (default: ${DEFAULT-VALUE}).")
    Duration sampleEvery;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the JSON report here.")
    Path report;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory holding scifact.zip (default: ../shared/data/scifact).")
    Path data;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "1800",
            description = "Longest wait for the pipeline to drain or the scores to arrive, per scenario (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Mixin
    StackOptions stackOptions;

    /** {@code 30m}, {@code 90s}, {@code 2h}, {@code 500ms} or ISO-8601 ({@code PT30M}). */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.startsWith("pt")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(v);
            if (!m.matches()) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is no duration (e.g. 30m, 90s, 2h)");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
    }

    @Override
    public Integer call() throws Exception {
        if (scenario.equals("soak")) {
            return soak();
        }
        List<ChaosScenario> scenarios = scenario.equals("all") ? Arrays.asList(ChaosScenario.values())
                : List.of(ChaosScenario.of(scenario));
        SciFactCorpus corpus = new SciFactCorpus(StackOptions.scifactZip(data));
        ConfigSource config = clusterConfig();
        Path repo = Path.of(System.getProperty("omnistream.repo.dir", ".")).toAbsolutePath().normalize();
        Map<String, Object> results = new LinkedHashMap<>();
        StringBuilder failed = new StringBuilder();
        for (ChaosScenario s : scenarios) {
            ChaosRun.Result r = ChaosRun.run(s, repo, config, corpus, events, seed, Duration.ofSeconds(outageSeconds),
                    Duration.ofSeconds(timeoutSeconds), System.out);
            results.put(s.id(), r.toJson());
            System.out.printf(Locale.ROOT, "[chaos] %-22s produced %d, in Milvus %d rows / %d ids, lost %d, duplicated %d, "
                            + "dlq %d, metrics double-counted %d, recovered in %.1f s%n", s.id(), r.produced(),
                    r.rowsInMilvus(), r.distinctIds(), r.lost(), r.duplicated(), r.dlq(), r.metricsDoubleCounted(),
                    r.recoverySeconds());
            if (!r.clean()) {
                failed.append(failed.length() == 0 ? "" : ", ").append(s.id());
            }
            if (report != null) {
                JSON.writeValue(report.toFile(), results); // after each scenario, so a long run leaves what it has
            }
        }
        if (failed.length() > 0) {
            throw new IllegalStateException("chaos: nothing may be lost, doubled, dead-lettered or double-counted; "
                    + "violated by " + failed);
        }
        return 0;
    }

    private int soak() throws Exception {
        SciFactCorpus corpus = new SciFactCorpus(StackOptions.scifactZip(data));
        Path repo = Path.of(System.getProperty("omnistream.repo.dir", ".")).toAbsolutePath().normalize();
        Map<String, Object> soak = SoakRun.run(repo, clusterConfig(), corpus, duration, sampleEvery,
                Duration.ofSeconds(timeoutSeconds), System.out);
        if (report != null) {
            JSON.writeValue(report.toFile(), Map.of("soak", soak));
        }
        System.out.printf(Locale.ROOT, "[soak] %d s at %s events/s: produced %s, lost %s, duplicated %s; RSS growth %% %s; "
                        + "lag %s -> %s; searchable p99 ms %s -> %s; flat: %s%n", duration.toSeconds(),
                soak.get("rate_events_per_second"), soak.get("produced"), soak.get("lost"), soak.get("duplicated"),
                soak.get("rss_growth_pct"), soak.get("lag_mean_first_third"), soak.get("lag_mean_last_third"),
                soak.get("searchable_p99_ms_first_third"), soak.get("searchable_p99_ms_last_third"), soak.get("flat"));
        boolean clean = ((Number) soak.get("lost")).longValue() == 0 && ((Number) soak.get("duplicated")).longValue() == 0;
        if (!clean || !Boolean.TRUE.equals(soak.get("flat"))) {
            throw new IllegalStateException("soak: " + (clean ? "" : "events lost or doubled; ")
                    + (Boolean.TRUE.equals(soak.get("flat")) ? "" : "memory, lag or latency grew") + " (report written first)");
        }
        return 0;
    }

    /**
     * Two workers on two partitions; and the served path's wait for its candidates outlasts the Milvus outage, so
     * that a query in flight when Milvus went down is scored once it is back instead of being given up (with the
     * default of 5 minutes, a longer outage leaves those queries without a served score: a smaller served n).
     */
    ConfigSource clusterConfig() {
        ConfigSource base = stackOptions.configSource();
        Duration servedWait = Duration.ofSeconds(outageSeconds).plus(SERVED_WAIT_AFTER_OUTAGE);
        Duration configured = base.get(QualityJobConfig.SERVED_COMPLETENESS_TIMEOUT);
        return base.with(Map.of(ClusterConfig.WORKERS.key(), "2", "launcher.kafka.partitions", "2",
                QualityJobConfig.SERVED_COMPLETENESS_TIMEOUT.key(),
                (configured.compareTo(servedWait) >= 0 ? configured : servedWait).toSeconds() + "s"));
    }

    /** How long after a Milvus outage the served path keeps waiting for the sink to catch up. */
    static final Duration SERVED_WAIT_AFTER_OUTAGE = Duration.ofMinutes(5);
}
