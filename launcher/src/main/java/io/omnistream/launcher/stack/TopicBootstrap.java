package io.omnistream.launcher.stack;

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

    public TopicBootstrap(String bootstrapServers) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
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

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
