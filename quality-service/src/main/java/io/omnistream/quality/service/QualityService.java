package io.omnistream.quality.service;

import io.omnistream.runtime.auth.Authenticator;
import io.omnistream.runtime.auth.Authenticators;
import io.omnistream.runtime.service.Health;
import io.omnistream.runtime.service.ManagedService;
import io.omnistream.runtime.service.ServiceRuntime;
import io.omnistream.runtime.service.ShutdownSignal;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Optional;

/**
 * The standalone quality service, entrypoint of the {@code omnistream-quality-service} image: a {@link QualityPlane}
 * over {@code quality-service.metrics.topic} and {@code quality-service.alerts.topic}, its gauges on {@code /metrics}
 * ({@code service.metrics.port}, 9400) and the live page on {@code quality-service.web.host:quality-service.web.port}
 * (9401; the image sets the host to {@code 0.0.0.0}). Configuration: {@link QualityServiceConfig} and
 * {@link ServiceRuntime#options()}.
 *
 * <p>Liveness: the page serves and both topic readers run. Readiness: both topics were read to their end once
 * ({@link QualityPlane#caughtUp()}): before that the gauges would show an incomplete (older) picture, so a scrape is
 * not to be trusted yet. A topic that does not exist keeps the service unready (the reader waits for it; the detail
 * says so). If a reader stops on an error the process exits with status 1 and is restarted, rebuilding its view from
 * the beginning of the topics. On SIGTERM it closes the page, the readers and the lag sampler and exits 0.
 *
 * <p>The schema registry must be one the jobs wrote with: a {@code mock://} scope is per JVM, so a separate process
 * can only read a {@code mock://} stack's topics in that stack's JVM (tests); otherwise records are undecodable,
 * skipped and counted in the readiness detail.
 */
public final class QualityService implements ManagedService {
    private final QualityServiceConfig config;
    private final PrometheusRegistry registry;
    private final Authenticator authenticator;
    private volatile QualityPlane plane;
    private volatile boolean closing;

    QualityService(QualityServiceConfig config, PrometheusRegistry registry, Authenticator authenticator) {
        this.config = config;
        this.registry = registry;
        this.authenticator = authenticator;
    }

    public static ServiceRuntime.Definition definition() {
        return new ServiceRuntime.Definition("omnistream-quality-service",
                "Quality service: reads the quality jobs' metrics and drift alerts from Kafka and exports them (and "
                        + "consumer lag) for Prometheus; serves the live quality page.",
                QualityServiceConfig.options(),
                List.of("GET / (live quality page), /api/quality, /api/bias, /api/alerts, /api/pipeline"
                        + "   on quality-service.web.host:quality-service.web.port"),
                (source, registry) -> new QualityService(QualityServiceConfig.from(source), registry,
                        Authenticators.from(source)));
    }

    public static void main(String[] args) {
        ServiceRuntime.main(definition(), args);
    }

    @Override
    public void start(ShutdownSignal shutdown) {
        plane = QualityPlane.start(config, registry, authenticator);
    }

    @Override
    public Health liveness() {
        QualityPlane p = plane;
        if (p == null) {
            return Health.up("starting");
        }
        if (closing) {
            return Health.down("shutting down");
        }
        return p.failure().map(f -> Health.down(f.getMessage() + ": " + f.getCause()))
                .orElseGet(() -> Health.up("page serving on " + p.pageUri()));
    }

    @Override
    public Health readiness() {
        QualityPlane p = plane;
        if (p == null || closing) {
            return Health.down(closing ? "shutting down" : "starting");
        }
        Health live = liveness();
        if (!live.ok()) {
            return live;
        }
        return p.caughtUp() ? Health.up("topics read to their end (" + p.progress() + ")")
                : Health.down("reading the topics from the beginning (" + p.progress() + ")");
    }

    @Override
    public Optional<Throwable> failure() {
        QualityPlane p = plane;
        return p == null || closing ? Optional.empty() : p.failure();
    }

    @Override
    public void close() {
        closing = true;
        QualityPlane p = plane;
        if (p != null) {
            p.close();
        }
    }
}
