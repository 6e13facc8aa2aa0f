package io.omnistream.flink.bias.job;

import io.omnistream.flink.drift.job.DriftAlertEvent;
import io.omnistream.flink.drift.job.ScoreDriftFunction;
import io.omnistream.flink.drift.job.SeriesDriftFunction;
import io.omnistream.flink.kafka.BenchJudgmentReader;
import io.omnistream.flink.kafka.DriftAlertWriter;
import io.omnistream.flink.kafka.EmbeddingReader;
import io.omnistream.flink.kafka.QueryRankingReader;
import io.omnistream.flink.kafka.RetrievalMetricReader;
import io.omnistream.flink.kafka.TaskMetricWriter;
import io.omnistream.flink.launch.JobLaunch;
import io.omnistream.flink.quality.BenchEmbedding;
import io.omnistream.flink.quality.BenchJudgment;
import io.omnistream.flink.quality.TaskMetric;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The modality-bias and drift-detection job, the second job beside the retrieval-quality job:
 *
 * <pre>
 * embeddings (all) ──┬─ benchmark ─┐
 * judgments ─────────┼─────────────┼─ keyBy(task, epoch) → BiasJoinFunction ─ keyBy(model version) → BiasAccumulateFunction ─┐
 * rankings (exact) ──┼─────────────┘                                                                      modality_bias     │
 *                    │        └── keyBy(model id, task) → ScoreDriftFunction (KS) ── alerts                                  ├→ quality.metrics.v1
 *                    └─ all → keyBy(model version) → event-time windows → ModalityGapWindows ─ modality_gap ──────────────┘
 * quality.metrics.v1 → keyBy(series) → SeriesDriftFunction (Page-Hinkley) ── alerts → quality.alerts.v1
 *                                       both detectors' side outputs: drift_check records ──→ quality.metrics.v1
 * </pre>
 *
 * The drift detector reads the metrics topic (the quality job's records and this job's own), so every series is
 * watched the same way whichever job wrote it. Delivery as in the quality job: checkpointed state and source offsets,
 * at-least-once sinks whose repeats carry the same values (metrics: last value per series wins; alerts: the same
 * alertId).
 */
public final class ModalityBiasJob {
    public static final String JOB_NAME = "omnistream-modality-bias";

    private ModalityBiasJob() {
    }

    /** Adds the job's sources, operators and sinks to {@code env}. */
    public static void define(StreamExecutionEnvironment env, BiasJobConfig c) {
        env.setParallelism(c.parallelism());
        OffsetsInitializer start = OffsetsInitializer.committedOffsets(
                c.startingOffsets() == BiasJobConfig.StartingOffsets.EARLIEST
                        ? OffsetResetStrategy.EARLIEST : OffsetResetStrategy.LATEST);
        DataStream<BenchEmbedding> embeddings = env.fromSource(KafkaSource.<BenchEmbedding>builder()
                        .setProperties(c.kafka().clientPropertiesAsStrings()).setGroupId(c.groupId())
                        .setTopicPattern(Pattern.compile(c.embeddingTopicPattern())).setStartingOffsets(start)
                        .setDeserializer(new EmbeddingReader(c.schemaRegistryUrl()).withRegistryConfig(c.kafka().registryConfig()))
                        .setProperty("partition.discovery.interval.ms", "60000").build(),
                WatermarkStrategy.noWatermarks(), "embeddings").uid("bias-source-embeddings");
        DataStream<BenchJudgment> judgments = env.fromSource(KafkaSource.<BenchJudgment>builder()
                        .setProperties(c.kafka().clientPropertiesAsStrings()).setGroupId(c.groupId())
                        .setTopics(c.judgmentsTopic()).setStartingOffsets(start)
                        .setDeserializer(new BenchJudgmentReader(c.schemaRegistryUrl()).withRegistryConfig(c.kafka().registryConfig())).build(),
                WatermarkStrategy.noWatermarks(), "judgments").uid("bias-source-judgments");
        DataStream<BiasInput> rankings = env.fromSource(KafkaSource.<BiasInput>builder()
                        .setProperties(c.kafka().clientPropertiesAsStrings()).setGroupId(c.groupId())
                        .setTopics(c.rankingsTopic()).setStartingOffsets(start)
                        .setDeserializer(new QueryRankingReader(c.schemaRegistryUrl()).withRegistryConfig(c.kafka().registryConfig())).build(),
                WatermarkStrategy.noWatermarks(), "rankings").uid("bias-source-rankings");

        Outputs outputs = build(embeddings, judgments, rankings, c);
        outputs.metrics.sinkTo(KafkaSink.<TaskMetric>builder()
                        .setKafkaProducerConfig(c.kafka().clientPropertiesAsStrings())
                        .setRecordSerializer(new TaskMetricWriter(c.metricsTopic(), c.schemaRegistryUrl()).withRegistryConfig(c.kafka().registryConfig()))
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE).build())
                .name("bias-metrics-sink").uid("sink-bias-metrics");

        if (c.driftEnabled()) {
            DataStream<TaskMetric> metrics = env.fromSource(KafkaSource.<TaskMetric>builder()
                            .setProperties(c.kafka().clientPropertiesAsStrings()).setGroupId(c.groupId())
                            .setTopics(c.metricsTopic()).setStartingOffsets(start)
                            .setDeserializer(new RetrievalMetricReader(c.schemaRegistryUrl()).withRegistryConfig(c.kafka().registryConfig())).build(),
                    WatermarkStrategy.noWatermarks(), "metrics").uid("bias-source-metrics");
            Drift drift = drift(metrics, rankings, c);
            drift.alerts().sinkTo(KafkaSink.<DriftAlertEvent>builder()
                            .setKafkaProducerConfig(c.kafka().clientPropertiesAsStrings())
                            .setRecordSerializer(new DriftAlertWriter(c.alertsTopic(), c.schemaRegistryUrl()).withRegistryConfig(c.kafka().registryConfig()))
                            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE).build())
                    .name("drift-alerts-sink").uid("sink-drift-alerts");
            drift.checks().sinkTo(KafkaSink.<TaskMetric>builder()
                            .setKafkaProducerConfig(c.kafka().clientPropertiesAsStrings())
                            .setRecordSerializer(new TaskMetricWriter(c.metricsTopic(), c.schemaRegistryUrl()).withRegistryConfig(c.kafka().registryConfig()))
                            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE).build())
                    .name("drift-checks-sink").uid("sink-drift-checks");
        }
    }

    /** The bias and modality-gap records. */
    public static final class Outputs {
        public final DataStream<TaskMetric> metrics;

        Outputs(DataStream<TaskMetric> metrics) {
            this.metrics = metrics;
        }
    }

    /** The bias and gap operators between sources and sink (Kafka in production, bounded collections in tests). */
    public static Outputs build(DataStream<BenchEmbedding> embeddings, DataStream<BenchJudgment> judgments,
            DataStream<BiasInput> rankings, BiasJobConfig c) {
        DataStream<BiasInput> joinInput = embeddings
                .filter(e -> e.taskId != null && e.role != null)
                .name("benchmark-embeddings")
                .map(BiasInput::of, Types.POJO(BiasInput.class))
                .union(judgments.map(BiasInput::of, Types.POJO(BiasInput.class)), rankings);
        DataStream<TaskMetric> bias = joinInput
                .keyBy(BiasInput::key, Types.STRING)
                .process(new BiasJoinFunction(c.stateTtl()), Types.POJO(BiasObservation.class))
                .name("modality-bias-join").uid("modality-bias-join")
                .keyBy(o -> o.modelVersion, Types.STRING)
                .process(new BiasAccumulateFunction(c.twinSuffix(), c.maxPendingPairs(), c.emitInterval().toMillis(),
                        c.retainedEpochs()), Types.POJO(TaskMetric.class))
                .name("modality-bias").uid("modality-bias");
        DataStream<TaskMetric> gap = ModalityGapWindows.build(embeddings, c.windowSize(), c.windowOutOfOrderness(),
                c.windowIdleness());
        return new Outputs(bias.union(gap));
    }

    /** The detectors' outputs: alerts, and one drift_check record per epoch (or window) a detector closed. */
    public record Drift(DataStream<DriftAlertEvent> alerts, DataStream<TaskMetric> checks) {
    }

    /** The drift detectors: Page-Hinkley per metric series, KS per (model, task) on top-1 scores. */
    public static Drift drift(DataStream<TaskMetric> metrics, DataStream<BiasInput> rankings, BiasJobConfig c) {
        SingleOutputStreamOperator<DriftAlertEvent> series = metrics
                .filter(SeriesDriftFunction::watched).name("watched-series")
                .keyBy(SeriesDriftFunction::key, Types.STRING)
                .process(new SeriesDriftFunction(c.phDelta(), c.phLambda(), c.phMinSamples(), c.clearAfter(),
                                c.closeIdle().toMillis()),
                        Types.POJO(DriftAlertEvent.class))
                .name("drift-page-hinkley").uid("drift-page-hinkley");
        SingleOutputStreamOperator<DriftAlertEvent> scores = rankings
                .keyBy(ScoreDriftFunction::key, Types.STRING)
                .process(new ScoreDriftFunction(c.ksAlpha(), c.ksMinStatistic(), c.ksMinSamples(), c.clearAfter()),
                        Types.POJO(DriftAlertEvent.class))
                .name("drift-ks").uid("drift-ks");
        return new Drift(series.union(scores),
                series.getSideOutput(SeriesDriftFunction.CHECKS).union(scores.getSideOutput(ScoreDriftFunction.CHECKS)));
    }

    /** The Flink settings the config implies: checkpointing, retention, state backend, restarts. */
    public static Configuration flinkConfiguration(BiasJobConfig c) {
        return JobLaunch.flinkConfiguration(c.checkpointInterval(), c.checkpointDir(), c.restart());
    }

    /** Starts the job on an in-process MiniCluster and returns at once. */
    public static JobClient start(BiasJobConfig c, Configuration extra) throws Exception {
        return JobLaunch.startLocal(JOB_NAME, c.parallelism(), flinkConfiguration(c), extra, env -> define(env, c));
    }

    /** Entry point on a Flink cluster: {@code [--config FILE] [key=value ...]}, environment variables as usual. */
    public static void main(String[] args) throws Exception {
        BiasJobConfig c = BiasJobConfig.from(JobLaunch.configSource(args));
        JobLaunch.runOnCluster(JOB_NAME, flinkConfiguration(c), env -> define(env, c));
    }
}
