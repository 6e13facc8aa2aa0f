package io.omnistream.ingest.http;

import io.omnistream.runtime.dedup.RecentlySeen;
import io.omnistream.ingest.produce.MediaEventPublisher;
import io.omnistream.ingest.validate.Rejection;
import io.omnistream.ingest.validate.RejectionReason;
import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.runtime.error.FailureKind;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.tenant.Tenants;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Dedup, publish and wait for the broker: the part of a request after validation. An item is reported accepted only
 * after the publisher's future completed normally, i.e. after the broker acknowledged it, so "accepted" means
 * durable. A failed publish is classified once, by {@link FailureClassifier}: transient becomes 503
 * {@code unavailable} (retry), permanent becomes 500 {@code produce_rejected}.
 */
final class MediaIngestion {
    /** Extra wait beyond the producer's own delivery timeout before giving up on a future that never completes. */
    private static final Duration AWAIT_MARGIN = Duration.ofSeconds(5);

    private final MediaEventPublisher publisher;
    private final RecentlySeen recentlySeen;
    private final IngestMetrics metrics;
    private final long awaitMillis;

    MediaIngestion(MediaEventPublisher publisher, RecentlySeen recentlySeen, IngestMetrics metrics, Duration produceTimeout) {
        this.publisher = publisher;
        this.recentlySeen = recentlySeen;
        this.metrics = metrics;
        this.awaitMillis = produceTimeout.plus(AWAIT_MARGIN).toMillis();
    }

    /**
     * Publishes every event that is not a recent duplicate, all at once so the producer can batch them, then waits
     * for each acknowledgement. Results are in input order.
     */
    List<ItemResult> ingest(List<MediaEvent> events) {
        List<CompletableFuture<Void>> sends = new ArrayList<>(events.size());
        for (MediaEvent e : events) {
            if (recentlySeen.isDuplicate(Tenants.recordKey(e.getTenant(), e.getContentId()), e.getContentHash())) {
                sends.add(null);
            } else {
                sends.add(timed(publisher.publish(e)));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(awaitMillis);
        List<ItemResult> results = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            MediaEvent e = events.get(i);
            CompletableFuture<Void> send = sends.get(i);
            if (send == null) {
                metrics.outcome(IngestMetrics.Outcome.DUPLICATE);
                results.add(new ItemResult(e.getContentId(), ItemResult.Status.DUPLICATE, e.getContentHash(), e.getMimeType(), null));
                continue;
            }
            Rejection failure = await(send, deadline);
            if (failure == null) {
                recentlySeen.remember(Tenants.recordKey(e.getTenant(), e.getContentId()), e.getContentHash());
                metrics.outcome(IngestMetrics.Outcome.ACCEPTED);
                results.add(new ItemResult(e.getContentId(), ItemResult.Status.ACCEPTED, e.getContentHash(), e.getMimeType(), null));
            } else {
                metrics.rejected(failure.reason());
                results.add(ItemResult.rejected(e.getContentId(), failure));
            }
        }
        return results;
    }

    /** Publishes a tombstone and forgets the id, so the same content submitted later is produced again. */
    ItemResult delete(String tenant, String contentId) {
        Rejection failure = await(timed(publisher.delete(tenant, contentId)),
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(awaitMillis));
        if (failure != null) {
            metrics.rejected(failure.reason());
            return ItemResult.rejected(contentId, failure);
        }
        recentlySeen.forget(Tenants.recordKey(tenant, contentId));
        metrics.outcome(IngestMetrics.Outcome.DELETED);
        return new ItemResult(contentId, ItemResult.Status.DELETED, null, null, null);
    }

    private CompletableFuture<Void> timed(CompletableFuture<Void> send) {
        long start = System.nanoTime();
        return send.whenComplete((ok, error) -> metrics.produceSeconds((System.nanoTime() - start) / 1e9));
    }

    /** Null when acknowledged, else the rejection to report. */
    private static Rejection await(CompletableFuture<Void> send, long deadlineNanos) {
        try {
            send.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Rejection(RejectionReason.UNAVAILABLE, "interrupted while waiting for the broker (shutting down)");
        } catch (TimeoutException e) {
            return new Rejection(RejectionReason.UNAVAILABLE, "broker did not acknowledge within the produce timeout");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String reason = FailureClassifier.reasonOf(cause);
            if (FailureClassifier.classify(cause) == FailureKind.TRANSIENT) {
                return new Rejection(RejectionReason.UNAVAILABLE, "broker unavailable (" + cause.getClass().getSimpleName()
                        + ": " + reason + "); retry later");
            }
            return new Rejection(RejectionReason.PRODUCE_REJECTED, "broker refused the record ("
                    + cause.getClass().getSimpleName() + ": " + reason + ")");
        }
    }
}
