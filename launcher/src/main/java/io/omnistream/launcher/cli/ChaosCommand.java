package io.omnistream.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.launcher.chaos.ChaosRun;
import io.omnistream.launcher.chaos.ChaosScenario;
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
            "Report (--report): {scenario: {produced, rows_in_milvus, distinct_ids, lost, duplicated, dlq, dlq_reasons, "
                    + "metrics_double_counted, recovery_seconds, seconds}}. Exit code 1 when any scenario lost, doubled, "
                    + "dead-lettered or double-counted anything (the report is written first)."})
public final class ChaosCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--scenario", paramLabel = "NAME", defaultValue = "all",
            description = "A scenario, or 'all' (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = "--events", paramLabel = "N", defaultValue = "1000", description = "Distinct events per scenario (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed of the fault schedule (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--outage", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long Milvus stays down (milvus-outage-60s) or hung (milvus-hang), e.g. 600 for a "
                    + "10-minute outage (default: ${DEFAULT-VALUE}).")
    long outageSeconds;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the JSON report here.")
    Path report;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory holding scifact.zip (default: ../shared/data/scifact).")
    Path data;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "1800",
            description = "Longest wait for the pipeline to drain or the scores to arrive, per scenario (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Mixin
    StackOptions stackOptions;

    @Override
    public Integer call() throws Exception {
        List<ChaosScenario> scenarios = scenario.equals("all") ? Arrays.asList(ChaosScenario.values())
                : List.of(ChaosScenario.of(scenario));
        SciFactCorpus corpus = new SciFactCorpus(StackOptions.scifactZip(data));
        ConfigSource config = stackOptions.configSource().with(Map.of(ClusterConfig.WORKERS.key(), "2",
                "launcher.kafka.partitions", "2"));
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
}
