package io.omnistream.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadinessTest {
    /** Counts pauses instead of sleeping. */
    private static final class CountingWatch implements Readiness.Watch {
        final AtomicInteger pauses = new AtomicInteger();
        boolean gone;

        @Override
        public void check() {
            if (gone) {
                throw new IllegalStateException("server exited");
            }
        }

        @Override
        public void pause(long millis) {
            pauses.incrementAndGet();
        }
    }

    @Test
    void returnsNullOnceTheProbeReportsReadyPausingBetweenProbes() {
        AtomicInteger probes = new AtomicInteger();
        CountingWatch watch = new CountingWatch();

        String last = Readiness.await("s", Duration.ofMinutes(1), Duration.ofMillis(1),
                () -> probes.incrementAndGet() < 3 ? "starting" : null, watch, s -> { });

        assertThat(last).isNull();
        assertThat(probes).hasValue(3);
        assertThat(watch.pauses).hasValue(2);
    }

    @Test
    void aThrowingProbeIsNotReadyAndOnTimeoutItsExceptionIsWhatWasLastSeen() {
        AtomicInteger probes = new AtomicInteger();

        String last = Readiness.await("s", Duration.ofSeconds(1), Duration.ofMillis(20), () -> {
            probes.incrementAndGet();
            throw new java.net.ConnectException("Connection refused");
        }, Readiness.REMOTE, s -> { });

        assertThat(last).isEqualTo("java.net.ConnectException: Connection refused");
        assertThat(probes.get()).as("probed again after each failure").isGreaterThan(1);
    }

    @Test
    void aWatchThatSeesTheServerGoneEndsTheWaitWithItsError() {
        CountingWatch watch = new CountingWatch();
        AtomicInteger probes = new AtomicInteger();

        assertThatThrownBy(() -> Readiness.await("s", Duration.ofMinutes(1), Duration.ofMillis(1), () -> {
            watch.gone = probes.incrementAndGet() == 2;
            return "starting";
        }, watch, s -> { })).isInstanceOf(IllegalStateException.class).hasMessage("server exited");
        assertThat(probes).hasValue(2);
    }

    @Test
    void anInterruptedWaitFailsAndKeepsTheInterruptFlag() {
        Readiness.Watch interrupted = new Readiness.Watch() {
            @Override
            public void check() {
            }

            @Override
            public void pause(long millis) throws InterruptedException {
                throw new InterruptedException();
            }
        };
        try {
            assertThatThrownBy(() -> Readiness.await("whisper", Duration.ofMinutes(1), Duration.ofMillis(1),
                    () -> "starting", interrupted, s -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessage("interrupted while waiting for whisper");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
