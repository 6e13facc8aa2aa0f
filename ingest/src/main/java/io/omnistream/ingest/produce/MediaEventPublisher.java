package io.omnistream.ingest.produce;

import io.omnistream.schemas.avro.MediaEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The port through which the HTTP API publishes accepted events. {@link MediaEventProducer} is the one production
 * implementation (Kafka); the interface exists so the HTTP handlers can be unit-tested without a broker. End-to-end
 * behaviour with a real broker is covered by the launcher's integration tests.
 *
 * <p>Contract: a returned future completes normally only once the event is durably stored (for Kafka: acknowledged by
 * all in-sync replicas), and exceptionally otherwise; the caller classifies the failure with
 * {@link io.omnistream.runtime.error.FailureClassifier}. Implementations must be thread-safe and must not throw from
 * {@code publish}/{@code delete}: failures travel in the future.
 */
public interface MediaEventPublisher {
    /** Publishes {@code event} keyed by its record key ({@link io.omnistream.schemas.tenant.Tenants#recordKey}). */
    CompletableFuture<Void> publish(MediaEvent event);

    /** Publishes a tombstone (null value) for {@code contentId} of {@code tenant}, so downstream stores delete it. */
    CompletableFuture<Void> delete(String tenant, String contentId);

    /** True if the backend can take writes now, deciding within {@code timeout}. */
    boolean ready(Duration timeout);

    /** Blocks until everything published so far is acknowledged or has failed. */
    void flush();
}
