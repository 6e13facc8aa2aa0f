package io.omnistream.encoder.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final MicroBatcher<Integer> batcher = new MicroBatcher<>(3, Duration.ofMillis(50), clock::get);

    private void advanceMillis(long ms) {
        clock.addAndGet(Duration.ofMillis(ms).toNanos());
    }

    @Test
    void emitsAFullBatchAtMaxSizeInArrivalOrder() {
        assertThat(batcher.add(1)).isEmpty();
        assertThat(batcher.add(2)).isEmpty();
        assertThat(batcher.add(3)).contains(List.of(1, 2, 3));
        assertThat(batcher.isEmpty()).isTrue();
    }

    @Test
    void aPartialBatchIsDueOnlyAfterMaxWaitSinceItsFirstItem() {
        batcher.add(1);
        advanceMillis(30);
        batcher.add(2);
        advanceMillis(19);
        assertThat(batcher.isDue()).isFalse();
        assertThat(batcher.pollDue()).isEmpty();
        assertThat(batcher.nanosUntilDue()).isEqualTo(Duration.ofMillis(1).toNanos());
        advanceMillis(1);
        assertThat(batcher.nanosUntilDue()).isZero();
        assertThat(batcher.pollDue()).contains(List.of(1, 2));
    }

    @Test
    void theWaitRestartsWithTheFirstItemOfTheNextBatch() {
        batcher.add(1);
        advanceMillis(60);
        assertThat(batcher.pollDue()).contains(List.of(1));
        advanceMillis(100);
        batcher.add(2);
        assertThat(batcher.isDue()).isFalse();
        advanceMillis(50);
        assertThat(batcher.isDue()).isTrue();
    }

    @Test
    void nothingPendingMeansNoDeadline() {
        assertThat(batcher.nanosUntilDue()).isEqualTo(Long.MAX_VALUE);
        assertThat(batcher.isDue()).isFalse();
        assertThat(batcher.drain()).isEmpty();
    }

    @Test
    void zeroWaitMakesEveryPartialBatchDueAtOnce() {
        MicroBatcher<String> eager = new MicroBatcher<>(10, Duration.ZERO, clock::get);
        eager.add("a");
        assertThat(eager.pollDue()).contains(List.of("a"));
    }

    @Test
    void drainReturnsThePartialBatch() {
        batcher.add(7);
        batcher.add(8);
        assertThat(batcher.drain()).containsExactly(7, 8);
        assertThat(batcher.pending()).isZero();
    }

    @Test
    void rejectsInvalidLimits() {
        assertThatThrownBy(() -> new MicroBatcher<>(0, Duration.ZERO, clock::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MicroBatcher<>(1, Duration.ofMillis(-1), clock::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
