package io.omnistream.replay;

import io.omnistream.ingest.produce.MediaEventPublisher;
import io.omnistream.replay.JudgmentProducer;
import io.omnistream.schemas.avro.Judgment;
import io.omnistream.schemas.avro.MediaEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Replays benchmark tasks through the production path: every candidate and query becomes an ordinary
 * {@link MediaEvent} (with its benchmark marker) on the media topic, the same one feeds and the HTTP API use, and
 * every query's {@link Judgment} goes to {@code bench.judgments.v1}. Runs N epochs, or forever, beside production
 * traffic.
 *
 * <p><b>Guarantees.</b> An epoch counts as replayed only when the broker acknowledged all of its records (bounded
 * in-flight: at most {@value #MAX_IN_FLIGHT} unacknowledged records, so memory stays bounded for large tasks). A
 * failed send stops the replay with an exception naming the record. Content ids are stable per (task, epoch, item)
 * ({@link ReplayPlan#contentId}), so replaying an epoch twice upserts the same rows.
 *
 * <p><b>Rate.</b> {@code eventsPerSecond > 0} paces media events evenly (judgments are not paced); 0 means as fast as
 * the broker acknowledges.
 */
public final class BenchmarkReplayer {
    static final int MAX_IN_FLIGHT = 1000;

    /** Progress after each task of each epoch. */
    public record Progress(int epoch, String taskId, long events, long judgments, double eventsPerSecond) {}

    private final MediaEventPublisher events;
    private final JudgmentProducer judgments;
    private final double eventsPerSecond;
    private final Duration ackTimeout;
    private volatile boolean stopped;

    /**
     * @param eventsPerSecond media events per second, 0 = unpaced
     * @param ackTimeout      how long to wait for the broker to acknowledge an epoch's records
     */
    public BenchmarkReplayer(MediaEventPublisher events, JudgmentProducer judgments, double eventsPerSecond, Duration ackTimeout) {
        if (eventsPerSecond < 0) {
            throw new IllegalArgumentException("eventsPerSecond must be >= 0, got " + eventsPerSecond);
        }
        this.events = events;
        this.judgments = judgments;
        this.eventsPerSecond = eventsPerSecond;
        this.ackTimeout = ackTimeout;
    }

    /**
     * Replays {@code tasks} for epochs {@code firstEpoch, firstEpoch + 1, ...}; {@code epochs == 0} loops until
     * {@link #stop()}.
     *
     * @return the number of epochs fully replayed
     */
    public int run(List<BenchmarkTask> tasks, int firstEpoch, int epochs, Consumer<Progress> progress) throws InterruptedException {
        int done = 0;
        List<String> taskIds = tasks.stream().map(BenchmarkTask::id).toList();
        for (int epoch = firstEpoch; !stopped && (epochs == 0 || epoch < firstEpoch + epochs); epoch++) {
            for (BenchmarkTask task : tasks) {
                if (stopped) {
                    break;
                }
                progress.accept(replay(new ReplayPlan(task, epoch, taskIds), epoch));
            }
            if (!stopped) {
                done++;
            }
        }
        return done;
    }

    /** Asks a running {@link #run} to stop after the record in flight; it still waits for acknowledgements. */
    public void stop() {
        stopped = true;
    }

    private Progress replay(ReplayPlan plan, int epoch) throws InterruptedException {
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        List<CompletableFuture<Void>> window = new ArrayList<>();
        long[] counts = new long[2];
        long start = System.nanoTime();
        long periodNanos = eventsPerSecond > 0 ? (long) (1e9 / eventsPerSecond) : 0;
        InterruptedException[] interrupted = new InterruptedException[1];
        plan.stream(new ReplayPlan.Sink() {
            @Override
            public void event(MediaEvent event) {
                if (stopped || interrupted[0] != null) {
                    return;
                }
                try {
                    pace(start, counts[0], periodNanos);
                    inFlight.acquire();
                } catch (InterruptedException e) {
                    interrupted[0] = e;
                    return;
                }
                window.add(track(events.publish(event), inFlight, event.getContentId()));
                counts[0]++;
            }

            @Override
            public void judgment(Judgment judgment) {
                if (stopped || interrupted[0] != null) {
                    return;
                }
                try {
                    inFlight.acquire();
                } catch (InterruptedException e) {
                    interrupted[0] = e;
                    return;
                }
                window.add(track(judgments.publish(judgment), inFlight, "judgment " + judgment.getQueryItemId()));
                counts[1]++;
            }
        });
        if (interrupted[0] != null) {
            throw interrupted[0];
        }
        awaitAll(window);
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        return new Progress(epoch, plan.task().id(), counts[0], counts[1], counts[0] / seconds);
    }

    private static void pace(long startNanos, long sent, long periodNanos) throws InterruptedException {
        if (periodNanos == 0) {
            return;
        }
        long wait = startNanos + sent * periodNanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static CompletableFuture<Void> track(CompletableFuture<Void> ack, Semaphore inFlight, String what) {
        return ack.whenComplete((ok, error) -> inFlight.release())
                .exceptionally(error -> {
                    throw new IllegalStateException("broker did not acknowledge " + what + ": " + error.getMessage(), error);
                });
    }

    private void awaitAll(List<CompletableFuture<Void>> acks) throws InterruptedException {
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("replay failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("replay: records not acknowledged within " + ackTimeout.toSeconds() + " s", e);
        }
    }
}
