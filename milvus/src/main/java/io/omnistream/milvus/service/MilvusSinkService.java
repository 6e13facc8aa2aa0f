package io.omnistream.milvus.service;

import io.milvus.v2.client.MilvusClientV2;
import io.omnistream.milvus.config.MilvusConnection;
import io.omnistream.milvus.config.MilvusSinkConfig;
import io.omnistream.milvus.sink.MilvusSink;
import io.omnistream.runtime.service.Health;
import io.omnistream.runtime.service.KafkaReachability;
import io.omnistream.runtime.service.ManagedService;
import io.omnistream.runtime.service.ServiceRuntime;
import io.omnistream.runtime.service.ShutdownSignal;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone Milvus sink, entrypoint of the {@code omnistream-milvus-sink} image: mirrors one embedding topic
 * ({@code sink.topic}) into Milvus with {@link MilvusSink} until SIGTERM. Configuration: {@link MilvusSinkConfig}
 * and {@link ServiceRuntime#options()}.
 *
 * <p>Start-up waits for Milvus: while it does not answer, the service retries every {@value #CONNECT_RETRY_SECONDS}
 * s (a log line each time), {@code /healthz} is 200 (restarting the pod would not bring Milvus back) and
 * {@code /readyz} 503 naming the URI and the error. Readiness: the sink runs, Milvus answers {@code ListCollections}
 * and the Kafka cluster answers. If the sink stops on its own (the DLQ cannot be written) the process exits with
 * status 1 without committing. On SIGTERM the sink writes and commits the batch in progress (if Milvus answers) and
 * closes its clients.
 */
public final class MilvusSinkService implements ManagedService {
    static final int CONNECT_RETRY_SECONDS = 5;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final MilvusSinkConfig config;
    private final PrometheusRegistry registry;
    private final Duration shutdownTimeout;
    private final KafkaReachability kafka;
    private final MilvusProbe milvus;
    private volatile MilvusSink sink;
    private volatile String connectError;
    private volatile boolean closing;

    MilvusSinkService(MilvusSinkConfig config, PrometheusRegistry registry, Duration shutdownTimeout) {
        this.config = config;
        this.registry = registry;
        this.shutdownTimeout = shutdownTimeout;
        this.kafka = new KafkaReachability(config.kafka().clientProperties(), PROBE_TIMEOUT, "omnistream-sink-health-" + config.topic());
        this.milvus = new MilvusProbe(config.milvus());
    }

    public static ServiceRuntime.Definition definition() {
        return new ServiceRuntime.Definition("omnistream-milvus-sink",
                "Milvus sink: consumes one embedding topic and upserts/deletes its vectors in Milvus (one collection per"
                        + " model version); commits offsets only after Milvus or the DLQ accepted the batch.",
                MilvusSinkConfig.options(), List.of(),
                (source, registry) -> new MilvusSinkService(MilvusSinkConfig.from(source), registry,
                        source.get(ServiceRuntime.SHUTDOWN_TIMEOUT)));
    }

    public static void main(String[] args) {
        ServiceRuntime.main(definition(), args);
    }

    @Override
    public void start(ShutdownSignal shutdown) {
        Logger log = LoggerFactory.getLogger(MilvusSinkService.class);
        while (!shutdown.requested()) {
            try {
                MilvusSink s = new MilvusSink(config, registry); // connects to Milvus first; throws if unreachable
                s.start();
                sink = s;
                connectError = null;
                log.info("milvus sink running: {} -> {}", config.topic(), config.milvus().uri());
                return;
            } catch (RuntimeException e) {
                connectError = e.toString();
                log.warn("cannot start the sink (Milvus {}): {}; retrying in {} s", config.milvus().uri(), e.toString(),
                        CONNECT_RETRY_SECONDS);
            }
            shutdown.await(Duration.ofSeconds(CONNECT_RETRY_SECONDS));
        }
    }

    @Override
    public Health liveness() {
        MilvusSink s = sink;
        if (s == null) {
            return Health.up(connectError == null ? "starting" : "waiting for Milvus at " + config.milvus().uri());
        }
        return s.isRunning() ? Health.up("sink running on " + config.topic())
                : Health.down("sink stopped" + s.failure().map(f -> ": " + f).orElse(""));
    }

    @Override
    public Health readiness() {
        MilvusSink s = sink;
        if (closing) {
            return Health.down("shutting down");
        }
        if (s == null) {
            return Health.down("Milvus at " + config.milvus().uri() + " not reachable"
                    + (connectError == null ? " yet" : ": " + connectError));
        }
        Health live = liveness();
        return live.ok() ? live.and(milvus.check()).and(kafka.check()) : live;
    }

    @Override
    public Optional<Throwable> failure() {
        MilvusSink s = sink;
        if (s == null || closing || s.isRunning()) {
            return Optional.empty();
        }
        return Optional.of(s.failure().orElseGet(() -> new IllegalStateException("milvus sink thread ended")));
    }

    @Override
    public void close() {
        closing = true;
        MilvusSink s = sink;
        if (s != null) {
            // leave the runtime a little of its budget for the probes' clients and the final log line
            s.close(shutdownTimeout.minusSeconds(5).isNegative() ? shutdownTimeout : shutdownTimeout.minusSeconds(5));
        }
        milvus.close();
        kafka.close();
    }

    /**
     * "Milvus answers": {@code ListCollections} on a client of its own with a short deadline, one call at a time (a
     * probe arriving while one is in flight waits for it). The client is (re)created on demand after a failure.
     */
    static final class MilvusProbe implements AutoCloseable {
        private final MilvusConnection connection;
        private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "milvus-readiness-probe");
            t.setDaemon(true);
            return t;
        });
        private MilvusClientV2 client;
        private CompletableFuture<Integer> inFlight;

        MilvusProbe(MilvusConnection connection) {
            this.connection = new MilvusConnection(connection.uri(), connection.token(), PROBE_TIMEOUT);
        }

        Health check() {
            CompletableFuture<Integer> probe;
            synchronized (this) {
                if (inFlight == null || inFlight.isDone()) {
                    inFlight = CompletableFuture.supplyAsync(this::listCollections, executor);
                }
                probe = inFlight;
            }
            try {
                int n = probe.get(PROBE_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
                return Health.up("Milvus answers (" + n + " collection" + (n == 1 ? "" : "s") + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Health.down("interrupted");
            } catch (TimeoutException e) {
                return Health.down("Milvus at " + connection.uri() + " did not answer within " + PROBE_TIMEOUT.toMillis() + " ms");
            } catch (ExecutionException e) {
                return Health.down("Milvus at " + connection.uri() + " unreachable: " + e.getCause());
            }
        }

        /** Runs on the probe thread only. */
        private int listCollections() {
            try {
                if (client == null) {
                    client = connection.open();
                }
                return client.listCollections().getCollectionNames().size();
            } catch (RuntimeException e) {
                if (client != null) {
                    client.close();
                    client = null;
                }
                throw e;
            }
        }

        @Override
        public void close() {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (client != null) {
                client.close();
            }
        }
    }
}
