package io.omnistream.flink.upgrade.job;

import io.omnistream.flink.kafka.BenchJudgmentReader;
import io.omnistream.flink.kafka.DeploymentReader;
import io.omnistream.flink.kafka.GateDecisionWriter;
import io.omnistream.flink.kafka.RetrievalMetricReader;
import io.omnistream.flink.launch.JobLaunch;
import io.omnistream.flink.quality.BenchJudgment;
import io.omnistream.flink.quality.TaskMetric;
import io.omnistream.flink.upgrade.GateDecisionEvent;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The quality gate of model upgrades (issue 16): compares, per SHADOWING deployment and replay epoch, the shadow
 * model version's benchmark figures with the live version's and publishes one {@code GateDecision} per decided epoch.
 *
 * <pre>
 * omnistream.deployments.v1 ──┐
 * bench.judgments.v1 ─────────┼─ union → keyBy("gate") → GateFunction ── upgrade.gate.v1 (key = deployment)
 * quality.metrics.v1 ─ filter ┘
 * </pre>
 *
 * <p><b>Why one key.</b> The decision of a deployment needs every task's figures of two model versions in one epoch,
 * the epoch's judgments, and the deployment record; metrics are keyed by series, not by deployment, and one model
 * version can be in several deployments. Broadcasting the deployments to metric-keyed state, or keying by version
 * pair, would need a fan-out and cross-key bookkeeping; one key gives the operator everything in one place, so
 * "complete" and "decided once" are plain checks on its own state. The input is small (one record per metric update
 * and per judged query, filtered to the ~13 series the gate reads) and the state is bounded by
 * {@code upgrade.gate.retained-epochs}, so one subtask is enough; the sources still run at the configured parallelism.
 *
 * <p><b>Delivery.</b> State and source offsets are checkpointed; the sink is at-least-once. A restart can repeat a
 * decision with the same figures (and a new {@code decidedAtMs}); the topic is compacted by deployment, so readers
 * see the current verdict either way. Without a checkpoint or committed offset every topic is read from the earliest
 * offset: the deployments topic is compacted state, and the figures of retained epochs are rebuilt from history.
 *
 * <p><b>Deployment lifecycle.</b> A record in state SHADOWING (with a shadow) starts or continues the comparison; any
 * other state forgets the deployment (its decided epochs); the epoch figures, shared by all deployments, stay until
 * they age out. A tombstone is skipped (a deleted deployment keeps its last state in the gate).
 */
public final class UpgradeGateJob {
    public static final String JOB_NAME = "omnistream-upgrade-gate";

    private UpgradeGateJob() {
    }

    /** Adds the job's sources, operator and sink to {@code env}. */
    public static void define(StreamExecutionEnvironment env, UpgradeGateConfig c) {
        env.setParallelism(c.parallelism());
        OffsetsInitializer start = OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        DataStream<DeploymentUpdate> deployments = env.fromSource(KafkaSource.<DeploymentUpdate>builder()
                        .setProperties(c.kafka().clientPropertiesAsStrings()).setGroupId(c.groupId())
                        .setTopics(c.deploymentsTopic()).setStartingOffsets(start)
                        .setDeserializer(new DeploymentReader(c.schemaRegistryUrl()).withRegistryConfig(c.kafka().registryConfig())).build(),
                WatermarkStrategy.noWatermarks(), "deployments").uid("gate-source-deployments");
        DataStream<BenchJudgment> judgments = env.fromSource(KafkaSource.<BenchJudgment>builder()
                        .setProperties(c.kafka().clientPropertiesAsStrings()).setGroupId(c.groupId())
                        .setTopics(c.judgmentsTopic()).setStartingOffsets(start)
                        .setDeserializer(new BenchJudgmentReader(c.schemaRegistryUrl()).withRegistryConfig(c.kafka().registryConfig())).build(),
                WatermarkStrategy.noWatermarks(), "judgments").uid("gate-source-judgments");
        DataStream<TaskMetric> metrics = env.fromSource(KafkaSource.<TaskMetric>builder()
                        .setProperties(c.kafka().clientPropertiesAsStrings()).setGroupId(c.groupId())
                        .setTopics(c.metricsTopic()).setStartingOffsets(start)
                        .setDeserializer(new RetrievalMetricReader(c.schemaRegistryUrl()).withRegistryConfig(c.kafka().registryConfig())).build(),
                WatermarkStrategy.noWatermarks(), "metrics").uid("gate-source-metrics");

        build(deployments, judgments, metrics, c).sinkTo(KafkaSink.<GateDecisionEvent>builder()
                        .setKafkaProducerConfig(c.kafka().clientPropertiesAsStrings())
                        .setRecordSerializer(new GateDecisionWriter(c.gateTopic(), c.schemaRegistryUrl()).withRegistryConfig(c.kafka().registryConfig()))
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE).build())
                .name("gate-decisions-sink").uid("sink-gate-decisions");
    }

    /** The operators between sources and sink (Kafka in production, bounded collections in tests). */
    public static DataStream<GateDecisionEvent> build(DataStream<DeploymentUpdate> deployments,
            DataStream<BenchJudgment> judgments, DataStream<TaskMetric> metrics, UpgradeGateConfig c) {
        DataStream<GateInput> input = deployments.map(GateInput::of, Types.POJO(GateInput.class)).name("gate-deployments")
                .union(judgments.map(GateInput::of, Types.POJO(GateInput.class)).name("gate-judgments"),
                        metrics.filter(EpochState::relevant).name("gate-series")
                                .map(GateInput::of, Types.POJO(GateInput.class)).name("gate-metrics"));
        return input.keyBy(GateInput::key, Types.STRING)
                .process(new GateFunction(c.waitForServed(), c.waitForBias(), c.twinSuffix(), c.retainedEpochs()),
                        Types.POJO(GateDecisionEvent.class))
                .name("quality-gate").uid("quality-gate").setParallelism(1);
    }

    /** The Flink settings the config implies: checkpointing, retention, state backend, restarts. */
    public static Configuration flinkConfiguration(UpgradeGateConfig c) {
        return JobLaunch.flinkConfiguration(c.checkpointInterval(), c.checkpointDir(), c.restart());
    }

    /** Starts the job on an in-process MiniCluster and returns at once. */
    public static JobClient start(UpgradeGateConfig c, Configuration extra) throws Exception {
        return JobLaunch.startLocal(JOB_NAME, c.parallelism(), flinkConfiguration(c), extra, env -> define(env, c));
    }

    /** Entry point on a Flink cluster: {@code [--config FILE] [key=value ...]}, environment variables as usual. */
    public static void main(String[] args) throws Exception {
        UpgradeGateConfig c = UpgradeGateConfig.from(JobLaunch.configSource(args));
        JobLaunch.runOnCluster(JOB_NAME, flinkConfiguration(c), env -> define(env, c));
    }
}
