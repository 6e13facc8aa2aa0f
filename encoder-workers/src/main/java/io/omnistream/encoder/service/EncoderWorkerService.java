package io.omnistream.encoder.service;

import io.omnistream.encoder.cascade.Cascades;
import io.omnistream.encoder.cascade.EncodingChain;
import io.omnistream.encoder.cascade.ToolSandbox;
import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.encoder.model.ModelSpec;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.encoder.worker.EncoderWorker;
import io.omnistream.encoder.worker.WorkerMetrics;
import io.omnistream.runtime.service.Health;
import io.omnistream.runtime.service.KafkaReachability;
import io.omnistream.runtime.service.ManagedService;
import io.omnistream.runtime.service.ServiceRuntime;
import io.omnistream.runtime.service.ShutdownSignal;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone encoder worker, entrypoint of the {@code omnistream-encoder-worker} image (and of its
 * {@code -gpu} variant built with {@code -Pgpu}): loads {@code encoder.model} with ONNX Runtime, then runs one
 * {@link EncoderWorker} (consumer group {@code encoder.group.id}) until SIGTERM. Configuration:
 * {@link EncoderWorkerConfig} and {@link ServiceRuntime#options()}.
 *
 * <p>Liveness ({@code /healthz}, also the chart's startup probe): 503 while the model loads, then 200 while the
 * worker's consume loop runs, 503 once it ended. Readiness: live and the Kafka cluster answers. If the loop ends on
 * its own (e.g. the broker refused produced records) the process exits with status 1 without committing, so the
 * orchestrator restarts it and the uncommitted batch is re-read. On SIGTERM the worker finishes and commits the batch
 * in flight, closes its consumer and producer (the group rebalances at once), then the model is released.
 *
 * <p>Readiness does not wait for a partition assignment: a worker that gets none (more replicas than partitions) is
 * healthy and idle, and restarting or un-readying it would not help.
 */
public final class EncoderWorkerService implements ManagedService {
    private static final Duration KAFKA_PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final EncoderWorkerConfig config;
    private final ModelSpec spec;
    private final PrometheusRegistry registry;
    private final KafkaReachability kafka;
    private volatile TextEncoder encoder;
    private volatile EncodingChain chain;
    private volatile EncoderWorker worker;
    private volatile boolean closing;

    EncoderWorkerService(EncoderWorkerConfig config, PrometheusRegistry registry) {
        this.config = config;
        this.spec = config.modelSpec(); // an unknown model or unreadable registry is a configuration error
        this.registry = registry;
        this.kafka = new KafkaReachability(config.kafka().clientProperties(), KAFKA_PROBE_TIMEOUT,
                "omnistream-encoder-health-" + config.model());
    }

    public static ServiceRuntime.Definition definition() {
        return new ServiceRuntime.Definition("omnistream-encoder-worker",
                "Encoder worker: consumes MediaEvents, embeds them with an ONNX Runtime model in micro-batches and "
                        + "produces EmbeddingEvents to embeddings.<encoder.model>.v1 (failures to the DLQ).",
                EncoderWorkerConfig.options(), List.of(),
                (source, registry) -> new EncoderWorkerService(new EncoderWorkerConfig(source), registry));
    }

    public static void main(String[] args) {
        ServiceRuntime.main(definition(), args);
    }

    @Override
    public void start(ShutdownSignal shutdown) {
        Logger log = LoggerFactory.getLogger(EncoderWorkerService.class);
        long t0 = System.nanoTime();
        log.info("loading model {} ({}), execution provider {}", spec.id(), spec.version(), config.executionProvider());
        ProviderMetrics providerMetrics = new ProviderMetrics(registry);
        TextEncoder loaded = TextEncoder.load(spec, config.encoderSettings(), providerMetrics);
        encoder = loaded;
        log.info("model {} loaded on {} in {} ms", spec.id(), loaded.activeProvider(), (System.nanoTime() - t0) / 1_000_000);
        if (shutdown.requested()) {
            return; // SIGTERM while loading: do not join the consumer group only to leave it again
        }
        // every media tool runs confined (rlimits, no network, the worker's own temp directory); installed before the
        // cascades probe their tools, so the probe runs confined too and the host's support is logged once at start-up
        ToolSandbox sandbox = ToolSandbox.of(config.toolLimits());
        ToolSandbox.install(sandbox);
        log.info("media tools run with rlimits {} and network isolation {}; temp files in {}",
                sandbox.rlimited() ? "on" : "OFF", sandbox.networkIsolated() ? "on" : "OFF", sandbox.tempDir());
        // the model's cascades (OCR / speech recognition): their tools are probed and their models loaded here, so a
        // missing one fails start-up; PP-OCR runs on the text tower's execution provider
        EncodingChain c = Cascades.chain(spec, loaded, config.encoderSettings(), providerMetrics, config.whisper());
        chain = c;
        EncoderWorker w = new EncoderWorker(config, c, new WorkerMetrics(registry));
        w.start();
        worker = w;
    }

    @Override
    public Health liveness() {
        EncoderWorker w = worker;
        if (w == null) {
            return encoder == null ? Health.down("loading model " + spec.id()) : Health.down("starting the worker");
        }
        if (w.isRunning()) {
            return Health.up("worker running: " + config.inputTopic() + " -> " + w.outputTopic() + " with " + spec.id()
                    + " on " + encoder.activeProvider());
        }
        return Health.down("worker stopped" + w.failure().map(f -> ": " + f).orElse(""));
    }

    @Override
    public Health readiness() {
        Health live = liveness();
        return live.ok() && !closing ? live.and(kafka.check()) : live;
    }

    @Override
    public Optional<Throwable> failure() {
        EncoderWorker w = worker;
        if (w == null || closing || w.isRunning()) {
            return Optional.empty();
        }
        return Optional.of(w.failure().orElseGet(() -> new IllegalStateException("encoder worker loop ended")));
    }

    @Override
    public void close() {
        closing = true;
        EncoderWorker w = worker;
        if (w != null) {
            w.close(); // finishes and commits the batch in flight, closes consumer and producer (waits up to 60 s)
        }
        EncodingChain c = chain;
        if (c != null) {
            c.close(); // the recognisers it owns: PP-OCR's sessions, the Whisper process
        }
        TextEncoder e = encoder;
        if (e != null) {
            e.close();
        }
        kafka.close();
    }
}
