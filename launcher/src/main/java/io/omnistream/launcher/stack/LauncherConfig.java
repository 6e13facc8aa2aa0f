package io.omnistream.launcher.stack;

import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Configuration of the embedded all-in-one stack itself. The services it runs (ingest, encoder worker, Milvus sink)
 * read their own config classes from the same {@link ConfigSource}; the launcher only overrides the endpoints it
 * starts (Kafka bootstrap servers, Milvus URI, the embedding topic).
 */
public final class LauncherConfig {
    public static final ConfigOption<String> HOME = ConfigOption.string("omnistream.home",
            Path.of(System.getProperty("user.home"), ".omnistream").toString(),
            "Working directory of the embedded stack: Milvus Lite venv and data, logs, the running-stack file.");
    public static final ConfigOption<String> EXTERNAL_KAFKA = new ConfigOption<>("launcher.kafka.external-bootstrap", "",
            "Kafka bootstrap servers to use instead of starting the in-JVM KRaft broker; empty = embedded broker.",
            s -> s.trim(), s -> true, "host:port[,host:port] or empty");
    public static final ConfigOption<String> EXTERNAL_MILVUS = new ConfigOption<>("launcher.milvus.external-uri", "",
            "Milvus URI to use instead of starting a Milvus Lite server; empty = start Milvus Lite.",
            s -> s.trim(), s -> true, "http(s)://host:port or empty");
    public static final ConfigOption<Integer> PARTITIONS = ConfigOption.integer("launcher.kafka.partitions", 2, 1, 1024,
            "Partitions of media.events.v1 and of the embedding topic created by the launcher (upper bound on worker parallelism).");
    public static final ConfigOption<Integer> METRICS_PORT = ConfigOption.integer("launcher.metrics.port", 9400, 0, 65535,
            "Port of the Prometheus /metrics endpoint of the embedded stack (0 = pick a free port).");
    public static final ConfigOption<Integer> WEB_PORT = ConfigOption.integer("launcher.web.port", 9401, 0, 65535,
            "Port of the live quality page (charts, modality-bias matrix, drift alerts, throughput and lag) and its JSON API /api/{quality,bias,alerts,pipeline}, bound to 127.0.0.1 (0 = pick a free port).");
    public static final ConfigOption<Boolean> FRESH_MILVUS = ConfigOption.bool("launcher.milvus.fresh", false,
            "Start Milvus Lite on an empty temporary data directory instead of <omnistream.home>/milvus-data (tests, benchmarks).");

    public static final ConfigOption<Boolean> QUALITY_JOB = ConfigOption.bool("launcher.quality-job.enabled", true,
            "Run the retrieval-quality Flink job (MiniCluster) in the embedded stack; see the quality.* keys.");

    public static final ConfigOption<Boolean> BIAS_JOB = ConfigOption.bool("launcher.bias-job.enabled", true,
            "Run the modality-bias and drift-detection Flink job (MiniCluster) beside the quality job; see the bias.* keys.");

    public static final ConfigOption<Boolean> GATE_JOB = ConfigOption.bool("launcher.gate-job.enabled", true,
            "Run the upgrade quality-gate Flink job (MiniCluster; only with the quality job, whose figures it reads): while an upgrade shadows, it compares both versions "
                    + "on each replay epoch and publishes a GateDecision on upgrade.gate.v1; see the upgrade.gate.* keys.");

    public static final ConfigOption<String> DEPLOYMENT = new ConfigOption<>("launcher.deployment", "default",
            "Name of the deployment the embedded stack serves: its key on omnistream.deployments.v1 and its Milvus "
                    + "serving alias (omnistream_<name>), which user search follows.",
            String::trim, s -> s.matches("[a-z0-9][a-z0-9-]{0,62}"), "1-63 of a-z, 0-9, '-', starting with a letter or digit");

    public static final ConfigOption<Integer> CONTROL_PORT = ConfigOption.integer("launcher.control.port", 9402, 0, 65535,
            "Port of the embedded stack's control API (upgrade start/status/promote/abort/rollback/finish), bound to "
                    + "127.0.0.1; callers present the stack's control token from <omnistream.home>/stack.json or an API "
                    + "key with scope admin (0 = pick a free port).");

    public static final ConfigOption<String> UPGRADE_BENCHMARK = ConfigOption.string("launcher.upgrade.benchmark", "",
            "BEIR directory (corpus.jsonl, queries.jsonl, qrels/test.tsv; the task id is its name) of which one replay "
                    + "epoch is run when an upgrade starts, so the gate gets both versions' figures without waiting for "
                    + "someone to replay; empty = none. `demo` sets it to a 200-abstract SciFact subset.");

    public static final ConfigOption<Boolean> KAFKA_SASL_SSL = ConfigOption.bool("launcher.kafka.sasl-ssl", false,
            "Start the embedded broker with a SASL_SSL client listener (SCRAM-SHA-512 over TLS, a certificate and a "
                    + "password generated at start) and connect every component through it with the shared kafka.* "
                    + "keys; the broker's controller listener stays PLAINTEXT on loopback.");

    private final Path home;
    private final String externalKafka;
    private final String externalMilvus;
    private final int partitions;
    private final int metricsPort;
    private final int webPort;
    private final boolean freshMilvus;
    private final boolean qualityJob;
    private final boolean biasJob;
    private final boolean kafkaSaslSsl;
    private final boolean gateJob;
    private final String deployment;
    private final int controlPort;
    private final String upgradeBenchmark;

    public LauncherConfig(ConfigSource source) {
        this.home = Path.of(source.get(HOME));
        this.externalKafka = source.get(EXTERNAL_KAFKA);
        this.externalMilvus = source.get(EXTERNAL_MILVUS);
        this.partitions = source.get(PARTITIONS);
        this.metricsPort = source.get(METRICS_PORT);
        this.webPort = source.get(WEB_PORT);
        this.freshMilvus = source.get(FRESH_MILVUS);
        this.qualityJob = source.get(QUALITY_JOB);
        this.biasJob = source.get(BIAS_JOB);
        this.kafkaSaslSsl = source.get(KAFKA_SASL_SSL);
        this.gateJob = source.get(GATE_JOB);
        this.deployment = source.get(DEPLOYMENT);
        this.controlPort = source.get(CONTROL_PORT);
        this.upgradeBenchmark = source.get(UPGRADE_BENCHMARK);
    }

    public static List<ConfigOption<?>> options() {
        return List.of(HOME, EXTERNAL_KAFKA, KAFKA_SASL_SSL, EXTERNAL_MILVUS, PARTITIONS, METRICS_PORT, WEB_PORT,
                FRESH_MILVUS, QUALITY_JOB, BIAS_JOB, GATE_JOB, DEPLOYMENT, CONTROL_PORT, UPGRADE_BENCHMARK);
    }

    public Path home() { return home; }
    public String externalKafka() { return externalKafka; }
    public String externalMilvus() { return externalMilvus; }
    public int partitions() { return partitions; }
    public int metricsPort() { return metricsPort; }
    public int webPort() { return webPort; }
    public boolean freshMilvus() { return freshMilvus; }
    public boolean qualityJob() { return qualityJob; }
    public boolean biasJob() { return biasJob; }
    public boolean kafkaSaslSsl() { return kafkaSaslSsl; }
    public boolean gateJob() { return gateJob; }
    public String deployment() { return deployment; }
    public int controlPort() { return controlPort; }
    /** The BEIR directory replayed once when an upgrade starts, or empty. */
    public Optional<Path> upgradeBenchmark() {
        return upgradeBenchmark.isBlank() ? Optional.empty() : Optional.of(Path.of(upgradeBenchmark));
    }
}
