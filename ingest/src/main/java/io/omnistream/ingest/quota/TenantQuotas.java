package io.omnistream.ingest.quota;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-tenant admission for the ingest API: a request rate (token bucket) and a bound on requests in progress, so that
 * one tenant's flood or slow uploads cannot take every worker from the others. A refusal carries the seconds after
 * which a retry can succeed; the API answers it 429 with {@code Retry-After}.
 *
 * <p>Guarantees: at most {@code maxConcurrent} permits of one tenant are held at any time; over any interval of
 * {@code t} seconds at most {@code burst + t * ratePerSecond} requests of one tenant are admitted. State is one small
 * record per tenant seen; tenants come from credentials, so their number is bounded by the key store. Thread-safe.
 */
public final class TenantQuotas {
    /** The outcome of {@link #admit}: a permit to release when the request is done, or a refusal. */
    public sealed interface Admission {}

    /** Admitted; {@link #close()} exactly once when the request finishes (idempotent). */
    public static final class Permit implements Admission, AutoCloseable {
        private final Tenant tenant;
        private boolean released;

        private Permit(Tenant tenant) {
            this.tenant = tenant;
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                tenant.release();
            }
        }
    }

    /** Refused: {@code reason} is safe to show the client; retry after {@code retryAfterSeconds} (at least 1). */
    public record Refused(String reason, long retryAfterSeconds) implements Admission {}

    private final double ratePerSecond;
    private final double burst;
    private final int maxConcurrent;
    private final LongSupplier nanoTime;
    private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();

    /**
     * @param ratePerSecond sustained requests per second per tenant (&gt; 0)
     * @param burst         requests a tenant idle for a while may send at once (&ge; 1)
     * @param maxConcurrent requests of one tenant in progress at once (&ge; 1)
     * @param nanoTime      monotonic clock in nanoseconds ({@code System::nanoTime}; a test clock in tests)
     */
    public TenantQuotas(double ratePerSecond, int burst, int maxConcurrent, LongSupplier nanoTime) {
        if (!(ratePerSecond > 0) || burst < 1 || maxConcurrent < 1) {
            throw new IllegalArgumentException("rate must be > 0, burst and concurrency >= 1; got " + ratePerSecond
                    + ", " + burst + ", " + maxConcurrent);
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.maxConcurrent = maxConcurrent;
        this.nanoTime = nanoTime;
    }

    /** Takes one token and one concurrency slot of {@code tenant}, or neither. */
    public Admission admit(String tenant) {
        return tenants.computeIfAbsent(tenant, t -> new Tenant(nanoTime.getAsLong())).admit(this);
    }

    /** Requests of {@code tenant} in progress now (for tests and diagnostics). */
    public int inFlight(String tenant) {
        Tenant t = tenants.get(tenant);
        return t == null ? 0 : t.inFlight();
    }

    private static final class Tenant {
        private double tokens;
        private long refilledAt;
        private int inFlight;

        Tenant(long now) {
            this.refilledAt = now;
            this.tokens = Double.NaN; // filled to the burst on first use
        }

        synchronized Admission admit(TenantQuotas q) {
            long now = q.nanoTime.getAsLong();
            if (Double.isNaN(tokens)) {
                tokens = q.burst;
            } else {
                tokens = Math.min(q.burst, tokens + (now - refilledAt) / 1e9 * q.ratePerSecond);
            }
            refilledAt = now;
            if (inFlight >= q.maxConcurrent) {
                // a slot frees when one of this tenant's requests finishes; a second is a fair first guess
                return new Refused("tenant has " + inFlight + " requests in progress, the limit is " + q.maxConcurrent, 1);
            }
            if (tokens < 1) {
                long wait = (long) Math.ceil((1 - tokens) / q.ratePerSecond);
                return new Refused("tenant is over its rate of " + q.ratePerSecond + " requests per second",
                        Math.max(1, wait));
            }
            tokens -= 1;
            inFlight++;
            return new Permit(this);
        }

        synchronized void release() {
            inFlight--;
        }

        synchronized int inFlight() {
            return inFlight;
        }
    }
}
