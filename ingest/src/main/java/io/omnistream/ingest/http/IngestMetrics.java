package io.omnistream.ingest.http;

import io.omnistream.ingest.validate.RejectionReason;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The ingest service's Prometheus metrics. Label values come from closed sets ({@link Outcome},
 * {@link RejectionReason}), so cardinality is fixed. Counting is per media item: a batch of n items adds n.
 * Registering twice in one registry fails (metric names are unique per registry).
 */
final class IngestMetrics {
    /** What happened to one item. */
    enum Outcome {
        ACCEPTED, DUPLICATE, REJECTED, DELETED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Counter requests;
    private final Counter rejected;
    private final Counter duplicates;
    private final Histogram produceSeconds;

    IngestMetrics(PrometheusRegistry registry) {
        requests = Counter.builder().name("omnistream_ingest_requests_total")
                .help("Media items handled by the ingest API, by outcome (a batch of n items counts n)")
                .labelNames("outcome").register(registry);
        rejected = Counter.builder().name("omnistream_ingest_rejected_total")
                .help("Media items refused, by reason code (the API's error field)")
                .labelNames("reason").register(registry);
        duplicates = Counter.builder().name("omnistream_ingest_duplicates_total")
                .help("Media items acknowledged as duplicates of recently produced content and not produced again")
                .register(registry);
        produceSeconds = Histogram.builder().name("omnistream_ingest_produce_seconds")
                .help("Seconds from handing a record to the producer until the broker acknowledged or failed it")
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
                .register(registry);
        for (Outcome o : Outcome.values()) {
            requests.labelValues(o.label());
        }
        for (RejectionReason r : RejectionReason.values()) {
            rejected.labelValues(r.code());
        }
    }

    void outcome(Outcome outcome) {
        requests.labelValues(outcome.label()).inc();
        if (outcome == Outcome.DUPLICATE) {
            duplicates.inc();
        }
    }

    void rejected(RejectionReason reason) {
        requests.labelValues(Outcome.REJECTED.label()).inc();
        rejected.labelValues(reason.code()).inc();
    }

    void produceSeconds(double seconds) {
        produceSeconds.observe(seconds);
    }
}
