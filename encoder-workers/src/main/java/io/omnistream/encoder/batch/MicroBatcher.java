package io.omnistream.encoder.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Collects items into batches: a batch is complete when it holds {@code maxSize} items, or when {@code maxWait} has
 * passed since its first item arrived, whichever comes first. It never blocks and never looks at a clock by itself
 * except through the injected nanosecond clock, so the caller (the worker's poll loop) decides how long to wait:
 * {@link #nanosUntilDue()} is the poll timeout that keeps the max-wait promise.
 *
 * <p>Guarantees: items leave in arrival order; no batch is larger than {@code maxSize}; an item waits at most
 * {@code maxWait} plus the caller's reaction time. Not thread-safe: one owner thread (the Kafka consumer's).
 */
public final class MicroBatcher<T> {
    private final int maxSize;
    private final long maxWaitNanos;
    private final LongSupplier nanoClock;
    private List<T> current;
    private long firstArrivalNanos;

    /**
     * @param maxSize   items per batch, &gt;= 1
     * @param maxWait   longest time the first item of a batch waits for company, &gt;= 0
     * @param nanoClock monotonic clock in nanoseconds ({@code System::nanoTime} in production)
     */
    public MicroBatcher(int maxSize, Duration maxWait, LongSupplier nanoClock) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize must be >= 1, got " + maxSize);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must be >= 0, got " + maxWait);
        }
        this.maxSize = maxSize;
        this.maxWaitNanos = maxWait.toNanos();
        this.nanoClock = nanoClock;
        this.current = new ArrayList<>(maxSize);
    }

    public MicroBatcher(int maxSize, Duration maxWait) {
        this(maxSize, maxWait, System::nanoTime);
    }

    /** Adds an item; returns the completed batch if this item filled it. */
    public Optional<List<T>> add(T item) {
        if (current.isEmpty()) {
            firstArrivalNanos = nanoClock.getAsLong();
        }
        current.add(item);
        if (current.size() >= maxSize) {
            return Optional.of(drain());
        }
        return Optional.empty();
    }

    /** True if a non-empty batch has waited {@code maxWait} or longer. */
    public boolean isDue() {
        return !current.isEmpty() && nanoClock.getAsLong() - firstArrivalNanos >= maxWaitNanos;
    }

    /** The pending batch if it is due, else empty. */
    public Optional<List<T>> pollDue() {
        return isDue() ? Optional.of(drain()) : Optional.empty();
    }

    /**
     * Nanoseconds until the pending batch is due: 0 if it is due now, {@link Long#MAX_VALUE} if nothing is pending
     * (the caller may wait as long as it likes).
     */
    public long nanosUntilDue() {
        if (current.isEmpty()) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, maxWaitNanos - (nanoClock.getAsLong() - firstArrivalNanos));
    }

    /** Removes and returns everything pending (possibly empty), e.g. on shutdown or partition revocation. */
    public List<T> drain() {
        List<T> batch = current;
        current = new ArrayList<>(maxSize);
        return batch;
    }

    public int pending() {
        return current.size();
    }

    public boolean isEmpty() {
        return current.isEmpty();
    }

    public int maxSize() {
        return maxSize;
    }
}
