package io.omnistream.ingest.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TenantQuotasTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);

    @Test
    void aBurstIsAdmittedThenTheRateHoldsAndRetryAfterSaysWhen() {
        TenantQuotas q = new TenantQuotas(2.0, 3, 100, clock::get);
        for (int i = 0; i < 3; i++) {
            release(q.admit("a"));
        }
        TenantQuotas.Admission refused = q.admit("a");
        assertThat(refused).isInstanceOf(TenantQuotas.Refused.class);
        assertThat(((TenantQuotas.Refused) refused).retryAfterSeconds()).isEqualTo(1);
        assertThat(((TenantQuotas.Refused) refused).reason()).contains("rate");
        clock.addAndGet(SECOND / 2); // one token at 2/s
        release(q.admit("a"));
        assertThat(q.admit("a")).isInstanceOf(TenantQuotas.Refused.class);
    }

    @Test
    void aSlowRateAsksForALongerWait() {
        TenantQuotas q = new TenantQuotas(0.1, 1, 100, clock::get);
        release(q.admit("a"));
        TenantQuotas.Admission refused = q.admit("a");
        assertThat(((TenantQuotas.Refused) refused).retryAfterSeconds()).isEqualTo(10);
    }

    @Test
    void concurrencyIsBoundedPerTenantAndFreedOnClose() {
        TenantQuotas q = new TenantQuotas(1000, 1000, 2, clock::get);
        TenantQuotas.Permit p1 = (TenantQuotas.Permit) q.admit("a");
        TenantQuotas.Permit p2 = (TenantQuotas.Permit) q.admit("a");
        TenantQuotas.Admission third = q.admit("a");
        assertThat(third).isInstanceOf(TenantQuotas.Refused.class);
        assertThat(((TenantQuotas.Refused) third).reason()).contains("in progress");
        assertThat(q.admit("b")).as("another tenant is not affected").isInstanceOf(TenantQuotas.Permit.class);
        p1.close();
        p1.close(); // idempotent: frees one slot, not two
        assertThat(q.inFlight("a")).isEqualTo(1);
        assertThat(q.admit("a")).isInstanceOf(TenantQuotas.Permit.class);
        assertThat(q.admit("a")).isInstanceOf(TenantQuotas.Refused.class);
        p2.close();
    }

    @Test
    void tenantsHaveSeparateBuckets() {
        TenantQuotas q = new TenantQuotas(1, 1, 10, clock::get);
        release(q.admit("a"));
        assertThat(q.admit("a")).isInstanceOf(TenantQuotas.Refused.class);
        assertThat(q.admit("b")).isInstanceOf(TenantQuotas.Permit.class);
    }

    @Test
    void invalidLimitsAreRefused() {
        assertThatThrownBy(() -> new TenantQuotas(0, 1, 1, clock::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TenantQuotas(1, 0, 1, clock::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TenantQuotas(1, 1, 0, clock::get)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void release(TenantQuotas.Admission a) {
        assertThat(a).isInstanceOf(TenantQuotas.Permit.class);
        ((TenantQuotas.Permit) a).close();
    }
}
