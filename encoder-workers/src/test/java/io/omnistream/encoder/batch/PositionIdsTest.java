package io.omnistream.encoder.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PositionIdsTest {
    @Test
    void realTokensCountFromZeroInEveryRowAndPaddingGetsZero() {
        long[] mask = {
                1, 1, 1, 0, 0,   // right-padded, 3 tokens
                0, 0, 1, 1, 1,   // the same length left-padded: the same positions as alone
                1, 1, 1, 1, 1,   // full row
                0, 0, 0, 0, 0};  // empty row
        assertThat(PositionIds.fromMask(mask, 4, 5)).containsExactly(
                0, 1, 2, 0, 0,
                0, 0, 0, 1, 2,
                0, 1, 2, 3, 4,
                0, 0, 0, 0, 0);
    }

    @Test
    void rejectsAMaskOfTheWrongSize() {
        assertThatThrownBy(() -> PositionIds.fromMask(new long[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[batch=2, seq=3]");
    }
}
