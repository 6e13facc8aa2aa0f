package io.omnistream.flink.quality.job;

import io.omnistream.flink.kafka.BenchEmbeddingReader;
import io.omnistream.flink.kafka.BenchJudgmentReader;
import io.omnistream.flink.kafka.DeadLetterReader;
import io.omnistream.flink.kafka.QueryRankingWriter;
import io.omnistream.flink.kafka.TaskMetricWriter;
import io.omnistream.flink.launch.JobLaunch;
import io.omnistream.flink.quality.BenchEmbedding;
import io.omnistream.flink.quality.BenchJudgment;
import io.omnistream.flink.quality.QueryScore;
import io.omnistream.flink.quality.RetrievalQualityPipeline;
import io.omnistream.flink.quality.TaskMetric;
import io.omnistream.flink.quality.served.ServedSearchFunction;
import java.util.HashMap;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
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
 * The retrieval-quality job: benchmark embeddings (every embedding topic), judgments and dead letters from Kafka,
 * {@link RetrievalQualityPipeline} in between, {@code RetrievalMetric} records to the metrics topic.
 *
 * <p><b>Delivery.</b> Checkpointed (HashMap state backend, checkpoints retained on cancellation); sources restore
 * their offsets from the checkpoint, so after a failure or a restore every event is processed against state that has
 * seen exactly the events before it: nothing is counted twice. The sink is at-least-once: records emitted after the
 * last checkpoint are emitted again after a restore, <em>with the same values</em> (the state they derive from was
 * restored too). The metrics topic is a last-value-wins stream per series key, so such repeats are harmless; a
 * transactional sink would add latency (metrics visible only per checkpoint) for no gain in the values.
 *
 * <p>Run it embedded with {@link #start} (the launcher does), or on a cluster through {@link #main} (config from the
 * environment / {@code --config FILE}, see {@link QualityJobConfig}).
 */
public final class RetrievalQualityJob {
    public static final String JOB_NAME = "omnistream-retrieval-quality";

    private RetrievalQualityJob() {
    }

    /** Adds the job's sources, operators and sink to {@code env}. */
    public static void define(StreamExecutionEnvironment env, QualityJobConfig c) {
        env.setParallelism(c.parallelism());
        OffsetsInitializer start = OffsetsInitializer.committedOffsets(
                c.startingOffsets() == QualityJobConfig.StartingOffsets.EARLIEST
                        ? OffsetResetStrategy.EARLIEST : OffsetResetStrategy.LATEST);

        KafkaSource<BenchEmbedding> embeddingSource = KafkaSource.<BenchEmbedding>builder()
                .setProperties(c.kafka().clientPropertiesAsStrings())
                .setGroupId(c.groupId())
                .setTopicPattern(Pattern.compile(c.embeddingTopicPattern()))
                .setStartingOffsets(start)
                .setDeserializer(new BenchEmbeddingReader(c.schemaRegistryUrl()).withRegistryConfig(c.kafka().registryConfig()))
                .setProperty("partition.discovery.interval.ms", "60000")
                .build();
        KafkaSource<BenchEmbedding> deadLetterSource = KafkaSource.<BenchEmbedding>builder()
                .setProperties(c.kafka().clientPropertiesAsStrings())
                .setGroupId(c.groupId())
                .setTopics(c.dlqTopic())
                .setStartingOffsets(start)
                .setDeserializer(new DeadLetterReader(c.schemaRegistryUrl()).withRegistryConfig(c.kafka().registryConfig()))
                .build();
        KafkaSource<BenchJudgment> judgmentSource = KafkaSource.<BenchJudgment>builder()
                .setProperties(c.kafka().clientPropertiesAsStrings())
                .setGroupId(c.groupId())
                .setTopics(c.judgmentsTopic())
                .setStartingOffsets(start)
                .setDeserializer(new BenchJudgmentReader(c.schemaRegistryUrl()).withRegistryConfig(c.kafka().registryConfig()))
                .build();

        // Ranking needs no event time; the per-window series assigns its own watermarks on the query scores.
        DataStream<BenchEmbedding> embeddings = env
                .fromSource(embeddingSource, WatermarkStrategy.noWatermarks(), "embeddings")
                .uid("source-embeddings")
                .union(env.fromSource(deadLetterSource, WatermarkStrategy.noWatermarks(), "dead-letters")
                        .uid("source-dead-letters"));
        DataStream<BenchJudgment> judgments = env
                .fromSource(judgmentSource, WatermarkStrategy.noWatermarks(), "judgments")
                .uid("source-judgments");

        RetrievalQualityPipeline.Options options = new RetrievalQualityPipeline.Options()
                .stateTtl(c.stateTtl())
                .windows(c.windowSize(), c.windowOutOfOrderness(), c.windowIdleness());
        if (c.servedEnabled()) {
            options.served(new ServedSearchFunction(c.milvus(), c.milvusSearchEf(), c.servedTopK(),
                    c.servedCompletenessTimeout(), c.servedPollInterval()), c.servedCapacity(),
                    c.servedCompletenessTimeout().plusMinutes(1));
        }
        RetrievalQualityPipeline.Outputs outputs = RetrievalQualityPipeline.build(embeddings, judgments, options);

        KafkaSink<TaskMetric> sink = KafkaSink.<TaskMetric>builder()
                .setKafkaProducerConfig(c.kafka().clientPropertiesAsStrings())
                .setRecordSerializer(new TaskMetricWriter(c.metricsTopic(), c.schemaRegistryUrl()).withRegistryConfig(c.kafka().registryConfig()))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
        outputs.metrics.sinkTo(sink).name("quality-metrics-sink").uid("sink-quality-metrics");
        if (!c.rankingsTopic().isEmpty()) {
            outputs.queryScores.sinkTo(KafkaSink.<QueryScore>builder()
                            .setKafkaProducerConfig(c.kafka().clientPropertiesAsStrings())
                            .setRecordSerializer(new QueryRankingWriter(c.rankingsTopic(), c.schemaRegistryUrl()).withRegistryConfig(c.kafka().registryConfig()))
                            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                            .build())
                    .name("query-rankings-sink").uid("sink-query-rankings");
        }
    }

    /** The Flink settings the config implies: checkpointing, retention, state backend, restarts. */
    public static Configuration flinkConfiguration(QualityJobConfig c) {
        return JobLaunch.flinkConfiguration(c.checkpointInterval(), c.checkpointDir(), c.restart());
    }

    /**
     * Starts the job on an in-process MiniCluster and returns at once.
     *
     * @param extra more Flink settings, e.g. {@code execution.state-recovery.path} to resume from a checkpoint
     */
    public static JobClient start(QualityJobConfig c, Configuration extra) throws Exception {
        return JobLaunch.startLocal(JOB_NAME, c.parallelism(), flinkConfiguration(c), extra, env -> define(env, c));
    }

    /** Entry point on a Flink cluster: {@code [--config FILE] [key=value ...]}, environment variables as usual. */
    public static void main(String[] args) throws Exception {
        QualityJobConfig c = QualityJobConfig.from(JobLaunch.configSource(args));
        JobLaunch.runOnCluster(JOB_NAME, flinkConfiguration(c), env -> define(env, c));
    }
}
