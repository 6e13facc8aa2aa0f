package io.omnistream.launcher.stack;

import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.encoder.model.ModelSpec;
import io.omnistream.ingest.config.IngestConfig;
import io.omnistream.ingest.produce.MediaEventProducer;
import io.omnistream.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the pipeline's topics if they are missing, on any cluster (embedded or external). Existing topics are left
 * as they are: their partition count and configs belong to whoever operates the cluster.
 */
public final class TopicBootstrap implements AutoCloseable {
    private final Admin admin;
    private final short replicationFactor;

    /** A PLAINTEXT connection to {@code bootstrapServers}. */
    public TopicBootstrap(String bootstrapServers) {
        this(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** @param clientProperties the shared client properties ({@code KafkaOptions.clientProperties}: security included) */
    public TopicBootstrap(Map<String, Object> clientProperties) {
        this.admin = Admin.create(clientProperties);
        this.replicationFactor = clusterSize() >= 3 ? (short) 3 : (short) 1;
    }

    private int clusterSize() {
        try {
            return admin.describeCluster().nodes().get().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot reach Kafka: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Creates {@code name} with {@code partitions}; {@code compacted} sets cleanup.policy=compact (embedding topics). */
    public void ensure(String name, int partitions, boolean compacted) {
        ensure(name, partitions, compacted ? Map.of("cleanup.policy", "compact") : Map.of());
    }

    /** Creates {@code name} with {@code partitions} and the given topic configs, if it does not exist. */
    public void ensure(String name, int partitions, Map<String, String> configs) {
        NewTopic topic = new NewTopic(name, partitions, replicationFactor).configs(configs);
        try {
            admin.createTopics(List.of(topic)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    /**
     * Creates (if missing) every topic of the pipeline (architecture.md, "Topics"): media events, the model's
     * embeddings (compacted), the DLQ, benchmark judgments and the quality jobs' outputs.
     *
     * @param partitions partitions of the keyed topics (the parallelism of their consumer groups)
     */
    public static void ensurePipelineTopics(EncoderWorkerConfig workerConfig, IngestConfig ingestConfig, int partitions) {
        try (TopicBootstrap topics = new TopicBootstrap(ingestConfig.kafka().clientProperties())) {
            // media events carry inline payloads up to ingest.max-payload-bytes. Compacted: the latest event per content
            // id is kept for ever (a delete's tombstone for delete.retention.ms), so an upgrade's shadow worker group
            // can re-embed every live item from offset 0 (docs/upgrades.md: storage cost per million items)
            long maxMediaRecord = MediaEventProducer.maxRecordBytes(ingestConfig);
            topics.ensure(workerConfig.inputTopic(), partitions, Map.of("max.message.bytes", Long.toString(maxMediaRecord),
                    "cleanup.policy", "compact"));
            topics.ensure(workerConfig.outputTopic(), partitions, true);
            // every registered model's embedding topic, so the quality jobs (which discover new topics only once a
            // minute) and consumers following a deployment subscribe to an upgrade's topic before it is started
            for (ModelSpec model : workerConfig.modelRegistry().models()) {
                topics.ensure(Topics.embeddings(model.id()), partitions, true);
            }
            // a dead letter wraps the original record (plus stage, reason, offsets: well under 1 MiB)
            topics.ensure(workerConfig.dlqTopic(), 1,
                    Map.of("max.message.bytes", Long.toString(maxMediaRecord + 1024 * 1024)));
            // benchmark judgments and the quality jobs' outputs (architecture.md, "Topics")
            topics.ensure(Topics.JUDGMENTS, partitions, false);
            // a keyed upsert log (key = series and epoch, value = the whole current value): compacted, so a record
            // repeated after a job restart replaces its twin instead of adding to anything
            topics.ensure(Topics.QUALITY_METRICS, 1, true);
            topics.ensure(Topics.QUALITY_ALERTS, 1, false);
            topics.ensure(Topics.QUALITY_RANKINGS, 1, false);
            // upgrade state: the last record per deployment is its state, the last gate decision per deployment its verdict
            topics.ensure(Topics.DEPLOYMENTS, 1, true);
            topics.ensure(Topics.UPGRADE_GATE, 1, true);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
