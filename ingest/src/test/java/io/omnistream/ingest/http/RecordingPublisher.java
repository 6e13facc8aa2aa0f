package io.omnistream.ingest.http;

import io.omnistream.ingest.produce.MediaEventPublisher;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.tenant.Tenants;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Test implementation of the producer port: records what the API published and completes each future at once, or
 * with the next scripted failure, or (when gated) only after {@link #openGate()}. Not a Kafka fake: the Kafka path
 * is covered by the launcher's integration tests with the embedded broker.
 */
final class RecordingPublisher implements MediaEventPublisher {
    final List<MediaEvent> published = new ArrayList<>();
    final List<String> tombstones = new ArrayList<>();
    private final Deque<Supplier<Throwable>> failures = new ArrayDeque<>();
    private CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    volatile boolean ready = true;
    volatile int flushes;

    synchronized void failNext(Supplier<Throwable> failure) {
        failures.add(failure);
    }

    synchronized void closeGate() {
        gate = new CompletableFuture<>();
    }

    synchronized void openGate() {
        gate.complete(null);
    }

    synchronized List<MediaEvent> published() {
        return List.copyOf(published);
    }

    synchronized List<String> tombstones() {
        return List.copyOf(tombstones);
    }

    @Override
    public synchronized CompletableFuture<Void> publish(MediaEvent event) {
        Supplier<Throwable> failure = failures.poll();
        if (failure != null) {
            return CompletableFuture.failedFuture(failure.get());
        }
        published.add(event);
        return gate.thenApply(x -> null);
    }

    @Override
    public synchronized CompletableFuture<Void> delete(String tenant, String contentId) {
        Supplier<Throwable> failure = failures.poll();
        if (failure != null) {
            return CompletableFuture.failedFuture(failure.get());
        }
        tombstones.add(Tenants.recordKey(tenant, contentId));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean ready(Duration timeout) {
        return ready;
    }

    @Override
    public void flush() {
        flushes++;
    }
}
