package io.omnistream.encoder.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PaddingSideTest {
    @Test
    void rightPaddedTextsStartTheRowLeftPaddedOnesEndIt() {
        assertThat(PaddingSide.RIGHT.start(3, 5)).isZero();
        assertThat(PaddingSide.LEFT.start(3, 5)).isEqualTo(2);
        assertThat(PaddingSide.LEFT.start(5, 5)).isZero();
        assertThat(PaddingSide.LEFT.start(0, 4)).isEqualTo(4);
    }

    @Test
    void aTextLongerThanTheRowIsABug() {
        assertThatThrownBy(() -> PaddingSide.LEFT.start(6, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 tokens").hasMessageContaining("5 wide");
        assertThatThrownBy(() -> PaddingSide.RIGHT.start(6, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
