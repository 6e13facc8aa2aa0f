package io.omnistream.ingest.service;

import io.omnistream.ingest.config.IngestConfig;
import io.omnistream.ingest.http.IngestServer;
import io.omnistream.ingest.produce.MediaEventProducer;
import io.omnistream.runtime.auth.Authenticator;
import io.omnistream.runtime.auth.Authenticators;
import io.omnistream.runtime.service.Health;
import io.omnistream.runtime.service.ManagedService;
import io.omnistream.runtime.service.ServiceRuntime;
import io.omnistream.runtime.service.ShutdownSignal;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;

/**
 * The standalone ingest service, entrypoint of the {@code omnistream-ingest} image: the HTTP API of
 * {@link IngestServer} ({@code ingest.http.host:ingest.http.port}, 8080 by default; the image sets the host to
 * {@code 0.0.0.0}) producing to Kafka, plus {@code /metrics}, {@code /healthz}, {@code /readyz} on
 * {@code service.metrics.port} (9400). Configuration: {@link IngestConfig} and {@link ServiceRuntime#options()}.
 *
 * <p>Liveness: the API is serving. Readiness: the broker answers with the media topic's partitions (the API's own
 * {@code /readyz}, on both ports). On SIGTERM the API stops taking requests (new ones get 503), lets running ones
 * finish for up to {@code ingest.produce.timeout} + 5 s, flushes and closes the producer.
 */
public final class IngestService implements ManagedService {
    private final IngestConfig config;
    private final PrometheusRegistry registry;
    private final Authenticator authenticator;
    private volatile MediaEventProducer producer;
    private volatile IngestServer server;
    private volatile boolean closing;

    IngestService(IngestConfig config, PrometheusRegistry registry, Authenticator authenticator) {
        this.config = config;
        this.registry = registry;
        this.authenticator = authenticator;
    }

    public static ServiceRuntime.Definition definition() {
        return new ServiceRuntime.Definition("omnistream-ingest",
                "Ingest HTTP API: validates media items, suppresses duplicates and produces MediaEvents to Kafka.",
                IngestConfig.options(),
                List.of("POST /v1/media, /v1/media:batch; DELETE /v1/media/{id}; GET /healthz, /readyz"
                        + "   on ingest.http.host:ingest.http.port"),
                (source, registry) -> new IngestService(IngestConfig.from(source), registry, Authenticators.from(source)));
    }

    public static void main(String[] args) {
        ServiceRuntime.main(definition(), args);
    }

    @Override
    public void start(ShutdownSignal shutdown) throws Exception {
        producer = new MediaEventProducer(config);
        server = new IngestServer(config, producer, registry, authenticator).start();
    }

    @Override
    public Health liveness() {
        IngestServer s = server;
        if (s == null) {
            return Health.up("starting");
        }
        return closing ? Health.down("shutting down") : Health.up("API serving on " + s.baseUri());
    }

    @Override
    public Health readiness() {
        MediaEventProducer p = producer;
        if (p == null || server == null || closing) {
            return Health.down(closing ? "shutting down" : "starting");
        }
        return p.ready(config.readyTimeout()) ? Health.up("Kafka has topic '" + config.topic() + "'")
                : Health.down("no answer from Kafka at " + config.bootstrapServers() + " about topic '" + config.topic()
                        + "' within " + config.readyTimeout().toMillis() + " ms");
    }

    @Override
    public void close() {
        closing = true;
        if (server != null) {
            server.close(); // drains running requests and flushes the producer
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
