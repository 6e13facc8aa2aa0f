package io.omnistream.runtime.service;

import java.util.Optional;

/**
 * A long-running service as {@link ServiceRuntime} drives it: created from validated configuration (no I/O), then
 * started, probed for liveness and readiness while it runs, and closed once.
 *
 * <p>Probes are called from HTTP threads at any time, also before {@link #start} returned and during
 * {@link #close}; they must be thread-safe and should answer within a few seconds (Kubernetes' default probe timeout
 * is 1 s, the chart uses more).
 */
public interface ManagedService extends AutoCloseable {

    /**
     * Starts the service; may block while it loads (a model, a first connection). Long waits must check
     * {@code shutdown} and return early when it is requested, so that SIGTERM during start-up is honoured.
     *
     * @throws Exception a start-up failure: the process logs it and exits with status 1
     */
    void start(ShutdownSignal shutdown) throws Exception;

    /** Whether the process should be left running (HTTP 200 on {@code /healthz}) or restarted (503). */
    Health liveness();

    /** Whether the service can do its work now (HTTP 200 on {@code /readyz}), e.g. broker reachable, model loaded. */
    Health readiness();

    /**
     * Why the service stopped working on its own (its worker thread ended with an error), if it did. The runtime
     * polls this and exits with status 1, so the orchestrator restarts the process.
     */
    default Optional<Throwable> failure() {
        return Optional.empty();
    }

    /** Graceful stop: finish in-flight work, commit offsets, close clients. Called once, after or during start. */
    @Override
    void close();
}
