package io.omnistream.quality.service;

import io.omnistream.quality.kafka.AvroTopicReader;
import io.omnistream.quality.metrics.BiasPrometheus;
import io.omnistream.quality.metrics.DriftAlertsConsumer;
import io.omnistream.quality.metrics.UpgradeMetrics;
import io.omnistream.schemas.avro.Deployment;
import io.omnistream.schemas.avro.GateDecision;
import io.omnistream.quality.metrics.PipelineMonitor;
import io.omnistream.quality.metrics.QualityPrometheus;
import io.omnistream.quality.view.ActiveDriftAlerts;
import io.omnistream.quality.view.QualityMetricsView;
import io.omnistream.quality.web.QualityPageServer;
import io.omnistream.runtime.auth.Authenticator;
import io.omnistream.schemas.avro.DriftAlert;
import io.omnistream.schemas.avro.RetrievalMetric;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of the quality plane as one component: what the standalone {@link QualityService} runs and what the
 * launcher's embedded stack embeds. {@link #start} starts, in this order:
 * <ol>
 *   <li>a reader of the metrics topic into a {@link QualityMetricsView} and one of the alerts topic into both
 *       {@link ActiveDriftAlerts} (the page) and {@link DriftAlertsConsumer} (the alert metrics): both from the
 *       beginning, without a consumer group (see {@link AvroTopicReader});</li>
 *   <li>the Prometheus collectors on the given registry: {@code omnistream_retrieval_quality*},
 *       {@code omnistream_index_recall_loss}, {@code omnistream_benchmark_task_not_scored} ({@link QualityPrometheus}),
 *       {@code omnistream_modality_bias} ({@link BiasPrometheus}), {@code omnistream_drift_alert_active} and
 *       {@code omnistream_drift_alerts_total} ({@link DriftAlertsConsumer});</li>
 *   <li>readers of the deployments and gate topics into {@link UpgradeMetrics} ({@code omnistream_upgrade_*});</li>
 *   <li>the {@link PipelineMonitor} ({@code omnistream_kafka_consumer_lag{group, topic}}, and the encoder's event rate
 *       when the registry holds the encoder's counters, i.e. in the embedded stack);</li>
 *   <li>the live page and its JSON API ({@link QualityPageServer}).</li>
 * </ol>
 * On a failure half-way what was started is closed again and the exception is rethrown. {@link #close()} stops all of
 * it in reverse order and unregisters the collectors, so the registry can be reused.
 *
 * <p><b>Caught up.</b> {@link #caughtUp()} turns true once the metrics and alerts readers have read their topic to the
 * end offsets they saw at their first fetches, and stays true (a reader briefly behind new records does not make the
 * plane unready). The deployments and gate readers do not count: a cluster that never ran an upgrade may lack their
 * topics (a reader waits for its topic to appear).
 */
public final class QualityPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QualityPlane.class);

    private final QualityServiceConfig config;
    private final Authenticator authenticator;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final QualityMetricsView view = new QualityMetricsView();
    private final ActiveDriftAlerts activeAlerts = new ActiveDriftAlerts();
    private DriftAlertsConsumer alertMetrics;
    private AvroTopicReader<RetrievalMetric> metricsReader;
    private AvroTopicReader<DriftAlert> alertsReader;
    private AvroTopicReader<Deployment> deploymentsReader;
    private AvroTopicReader<GateDecision> gateReader;
    private PipelineMonitor pipeline;
    private QualityPageServer page;
    private volatile boolean caughtUp;

    private QualityPlane(QualityServiceConfig config, Authenticator authenticator) {
        this.authenticator = authenticator;
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Starts every part (see the class comment) on {@code registry}.
     *
     * @throws java.io.UncheckedIOException when the page's port cannot be bound
     */
    /**
     * @param authenticator checks the credentials of the page and its JSON API (scope {@code read-quality})
     */
    public static QualityPlane start(QualityServiceConfig config, PrometheusRegistry registry, Authenticator authenticator) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(authenticator, "authenticator");
        QualityPlane plane = new QualityPlane(config, authenticator);
        try {
            plane.startAll(registry);
            return plane;
        } catch (RuntimeException | Error e) {
            plane.close();
            throw e;
        }
    }

    private void startAll(PrometheusRegistry registry) {
        track(new QualityPrometheus(view, registry));
        track(new BiasPrometheus(view, registry));
        alertMetrics = track(new DriftAlertsConsumer(registry));
        metricsReader = track(AvroTopicReader.start(config.kafka().clientProperties(), config.schemaRegistryUrl(),
                config.metricsTopic(), RetrievalMetric.class, view::accept));
        DriftAlertsConsumer metrics = alertMetrics;
        alertsReader = track(AvroTopicReader.start(config.kafka().clientProperties(), config.schemaRegistryUrl(),
                config.alertsTopic(), DriftAlert.class, alert -> {
                    activeAlerts.accept(alert);
                    metrics.accept(alert);
                }));
        UpgradeMetrics upgrades = track(new UpgradeMetrics(registry));
        deploymentsReader = track(AvroTopicReader.start(config.kafka().clientProperties(), config.schemaRegistryUrl(),
                config.deploymentsTopic(), Deployment.class, upgrades::accept));
        gateReader = track(AvroTopicReader.start(config.kafka().clientProperties(), config.schemaRegistryUrl(),
                config.gateTopic(), GateDecision.class, upgrades::accept));
        pipeline = track(PipelineMonitor.start(config.kafka().clientProperties(), registry, config.lagInterval()));
        page = track(QualityPageServer.start(config.webHost(), config.webPort(), view, activeAlerts, pipeline,
                authenticator, config.tls()));
        LOG.info("quality plane: reading {} and {}, page {}", config.metricsTopic(), config.alertsTopic(), page.uri());
    }

    private <T extends AutoCloseable> T track(T component) {
        started.push(component);
        return component;
    }

    /** True once both topics were read to their end at least once (latched, see the class comment). */
    public boolean caughtUp() {
        // the upgrade topics do not count: a cluster that never ran an upgrade may not have them, and their metrics
        // are not what a scrape before the catch-up would get wrong
        if (!caughtUp && metricsReader != null && alertsReader != null && metricsReader.caughtUp()
                && alertsReader.caughtUp()) {
            caughtUp = true;
        }
        return caughtUp;
    }

    /** The error that stopped a topic reader, if one stopped on one (the plane then no longer follows the topic). */
    public Optional<Throwable> failure() {
        for (AvroTopicReader<?> reader : readers()) {
            if (reader.failure().isPresent()) {
                return Optional.of(new IllegalStateException("reader of " + reader.topic() + " stopped",
                        reader.failure().get()));
            }
        }
        return Optional.empty();
    }

    /** One line per topic: records applied, skipped, and whether the reader is at the end. */
    public String progress() {
        return String.join("; ", readers().stream().map(r -> r.topic() + ": " + r.recordsApplied() + " record(s)"
                + (r.recordsSkipped() > 0 ? ", " + r.recordsSkipped() + " undecodable" : "")
                + (r.caughtUp() ? ", at the end" : ", reading")).toList());
    }

    private List<AvroTopicReader<?>> readers() {
        return metricsReader == null || alertsReader == null || deploymentsReader == null || gateReader == null
                ? List.of() : List.of(metricsReader, alertsReader, deploymentsReader, gateReader);
    }

    /** The latest value of every series on the metrics topic (also exported as gauges). */
    public QualityMetricsView view() { return view; }

    /** Drift alerts active now (shown on the page). */
    public ActiveDriftAlerts activeAlerts() { return activeAlerts; }

    /** Every drift alert read, as exported on /metrics. */
    public DriftAlertsConsumer alertMetrics() { return alertMetrics; }

    /** Encoder throughput (when known here) and consumer lag, sampled every {@code quality-service.lag.interval}. */
    public PipelineMonitor pipeline() { return pipeline; }

    /** Address of the live page, e.g. {@code http://127.0.0.1:9401/}. */
    public URI pageUri() { return page.uri(); }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable component = started.pop();
            try {
                component.close();
            } catch (Exception e) {
                LOG.warn("error while stopping {}: {}", component.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
