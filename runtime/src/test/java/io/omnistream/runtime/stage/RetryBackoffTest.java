package io.omnistream.runtime.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {
    @Test
    void doublesFromInitialAndCapsAtMax() {
        RetryBackoff b = new RetryBackoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        assertThat(b.delayBefore(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.delayBefore(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(b.delayBefore(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(b.delayBefore(5)).isEqualTo(Duration.ofMillis(1000));
        assertThat(b.delayBefore(100)).isEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void zeroInitialMeansNoWait() {
        assertThat(new RetryBackoff(Duration.ZERO, Duration.ofSeconds(1)).delayBefore(10)).isEqualTo(Duration.ZERO);
    }

    @Test
    void rejectsMaxBelowInitial() {
        assertThatThrownBy(() -> new RetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
