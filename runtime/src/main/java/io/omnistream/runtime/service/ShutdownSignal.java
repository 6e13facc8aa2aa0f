package io.omnistream.runtime.service;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Set once when the process is asked to stop (SIGTERM, SIGINT, JVM shutdown); waiters wake up at once. */
public final class ShutdownSignal {
    private final CountDownLatch requested = new CountDownLatch(1);
    private volatile String reason;

    /** Requests shutdown; later calls keep the first reason. */
    public void request(String why) {
        synchronized (this) {
            if (reason == null) {
                reason = why;
            }
        }
        requested.countDown();
    }

    public boolean requested() {
        return requested.getCount() == 0;
    }

    /** What requested the shutdown, or null while none was requested. */
    public String reason() {
        return reason;
    }

    /**
     * Waits up to {@code timeout} for a shutdown request; doubles as an interruptible sleep for retry loops.
     *
     * @return true if shutdown was requested (also when interrupted, which is treated as a request)
     */
    public boolean await(Duration timeout) {
        try {
            return requested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request("interrupted");
            return true;
        }
    }
}
