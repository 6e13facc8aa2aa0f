package io.omnistream.runtime.process;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * The wait for a server to become ready: probe, pause, probe again, until the probe reports ready or the timeout
 * passes. One loop for a child process ({@link ChildProcess#awaitReady}, which also stops waiting when the child
 * exits) and for a server that runs on its own (a sidecar container reached over loopback).
 */
public final class Readiness {
    /** How often a waiting caller is told it is still waiting, nanoseconds. */
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** What is waited on, between two probes. */
    public interface Watch {
        /** Throws (e.g. {@link IllegalStateException}) when waiting longer is pointless: the server is gone. */
        void check();

        /** Pauses up to {@code millis} before the next probe; may return early (a child that exited). */
        void pause(long millis) throws InterruptedException;
    }

    /** A watch for a server that nothing here can see die: it only sleeps between probes. */
    public static final Watch REMOTE = new Watch() {
        @Override
        public void check() {
        }

        @Override
        public void pause(long millis) throws InterruptedException {
            Thread.sleep(millis); // a remote server gives nothing to wait on; polling at a fixed interval is the wait
        }
    };

    private Readiness() {}

    /**
     * Probes until ready or {@code timeout} passes; a probe that throws counts as "not ready" (its exception is what
     * it saw), {@link Watch#check()} failing ends the wait with its exception.
     *
     * @param name     for the interruption error, e.g. {@code "whisper"}
     * @param progress told the seconds waited every 5 s
     * @return null when the probe reported ready, else what it last reported (the timeout passed)
     * @throws IllegalStateException when the thread is interrupted, or as {@link Watch#check()}
     */
    public static String await(String name, Duration timeout, Duration interval, ChildProcess.Probe probe, Watch watch,
                               LongConsumer progress) {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        long nextProgress = t0 + PROGRESS_EVERY_NANOS;
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            watch.check();
            try {
                String seen = probe.check();
                if (seen == null) {
                    return null;
                }
                last = seen;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            } catch (Exception e) {
                last = e.toString();
            }
            if (System.nanoTime() >= nextProgress) {
                progress.accept(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
                nextProgress += PROGRESS_EVERY_NANOS;
            }
            try {
                watch.pause(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
        return last;
    }
}
