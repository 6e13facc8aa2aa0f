package io.omnistream.encoder.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesFromInitialAndCapsAtMax() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        assertThat(b.delayBefore(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.delayBefore(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(b.delayBefore(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(b.delayBefore(5)).isEqualTo(Duration.ofMillis(1000));
        assertThat(b.delayBefore(100)).isEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void zeroInitialMeansNoWait() {
        assertThat(new Backoff(Duration.ZERO, Duration.ofSeconds(1)).delayBefore(10)).isEqualTo(Duration.ZERO);
    }

    @Test
    void rejectsMaxBelowInitial() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
