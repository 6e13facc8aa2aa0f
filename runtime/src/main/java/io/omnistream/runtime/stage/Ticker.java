package io.omnistream.runtime.stage;

/** Monotonic time in nanoseconds; injected so that tests can drive retry backoff and batch ages without sleeping. */
@FunctionalInterface
public interface Ticker {
    Ticker SYSTEM = System::nanoTime;

    long nanoTime();
}
