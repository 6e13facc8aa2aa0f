package io.omnistream.runtime.service;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

/**
 * Readiness check "the Kafka cluster answers": a {@code DescribeCluster} request with a deadline. One request at a
 * time: a probe that arrives while one is in flight waits for that one instead of stacking requests against a dead
 * broker. The admin client is created on first use and reconnects by itself.
 */
public final class KafkaReachability implements AutoCloseable {
    private final Map<String, Object> clientProperties;
    private final Object bootstrapServers;
    private final Duration timeout;
    private final String clientId;
    private Admin admin;
    private CompletableFuture<Collection<Node>> inFlight;
    private boolean closed;

    /**
     * @param timeout longest wait of one check, also the admin client's request deadline
     * @param clientId Kafka client.id (shows in broker logs and quotas)
     */
    public KafkaReachability(String bootstrapServers, Duration timeout, String clientId) {
        this(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), timeout, clientId);
    }

    /**
     * @param clientProperties bootstrap servers and security ({@code KafkaOptions.clientProperties})
     * @param timeout          longest wait of one check, also the admin client's request deadline
     * @param clientId         Kafka client.id (shows in broker logs and quotas)
     */
    public KafkaReachability(Map<String, Object> clientProperties, Duration timeout, String clientId) {
        this.clientProperties = Map.copyOf(clientProperties);
        this.bootstrapServers = clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        this.timeout = timeout;
        this.clientId = clientId;
    }

    /** Up with the broker count, or down with the reason; never throws. */
    public Health check() {
        CompletableFuture<Collection<Node>> probe;
        synchronized (this) {
            if (closed) {
                return Health.down("shutting down");
            }
            if (inFlight == null || inFlight.isDone()) {
                if (admin == null) {
                    int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
                    Map<String, Object> props = new java.util.HashMap<>(clientProperties);
                    props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
                    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
                    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
                    admin = Admin.create(props);
                }
                inFlight = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                        .nodes().toCompletionStage().toCompletableFuture();
            }
            probe = inFlight;
        }
        try {
            Collection<Node> nodes = probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return nodes.isEmpty() ? Health.down("Kafka at " + bootstrapServers + " reports no brokers")
                    : Health.up("Kafka reachable (" + nodes.size() + " broker" + (nodes.size() == 1 ? "" : "s") + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down("interrupted");
        } catch (TimeoutException e) {
            return Health.down("Kafka at " + bootstrapServers + " did not answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return Health.down("Kafka at " + bootstrapServers + " unreachable: " + e.getCause());
        }
    }

    @Override
    public void close() {
        Admin a;
        synchronized (this) {
            closed = true;
            a = admin;
            admin = null;
        }
        if (a != null) {
            a.close(Duration.ofSeconds(5));
        }
    }
}
