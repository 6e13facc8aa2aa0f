package io.omnistream.encoder.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PoolingTest {
    // batch 2, seq 3, dim 2; row-major [b][t][d]
    private static final float[] HIDDEN = {
            1, 2, /* t1 */ 3, 4, /* t2 (padding in row 0) */ 100, 200,
            5, 6, /* t1 */ 7, 8, /* t2 */ 9, 10};
    private static final long[] MASK = {1, 1, 0, 1, 1, 1};

    @Test
    void clsTakesTheFirstTokenOfEachRow() {
        float[][] out = Pooling.CLS.pool(HIDDEN, MASK, 2, 3, 2);
        assertThat(out[0]).containsExactly(1, 2);
        assertThat(out[1]).containsExactly(5, 6);
    }

    @Test
    void meanAveragesOnlyUnmaskedTokens() {
        float[][] out = Pooling.MEAN.pool(HIDDEN, MASK, 2, 3, 2);
        // row 0: (1+3)/2, (2+4)/2 — the padded (100, 200) must not count
        assertThat(out[0][0]).isCloseTo(2f, within(1e-6f));
        assertThat(out[0][1]).isCloseTo(3f, within(1e-6f));
        // row 1: (5+7+9)/3, (6+8+10)/3
        assertThat(out[1][0]).isCloseTo(7f, within(1e-6f));
        assertThat(out[1][1]).isCloseTo(8f, within(1e-6f));
    }

    @Test
    void meanOfAnAllMaskedRowIsZero() {
        float[][] out = Pooling.MEAN.pool(new float[] {4, 5}, new long[] {0}, 1, 1, 2);
        assertThat(out[0]).containsExactly(0, 0);
    }

    @Test
    void poolsAFloatBufferLargerThanTheBatchFromIndexZero() {
        // a reused output buffer: capacity beyond batch x seq x dim, position moved; only the first 12 floats count
        java.nio.FloatBuffer buffer = java.nio.FloatBuffer.allocate(HIDDEN.length + 6);
        buffer.put(HIDDEN).put(new float[] {-1, -1, -1, -1, -1, -1});
        assertThat(Pooling.CLS.pool(buffer, MASK, 2, 3, 2)[1]).containsExactly(5, 6);
        float[][] mean = Pooling.MEAN.pool(buffer, MASK, 2, 3, 2);
        assertThat(mean[0][0]).isCloseTo(2f, within(1e-6f));
        assertThat(mean[1][1]).isCloseTo(8f, within(1e-6f));
    }

    @Test
    void lastTokenTakesEachRowsLastMaskedInPositionOnEitherPaddingSide() {
        // batch 3, seq 3, dim 2: row 0 right-padded (2 tokens), row 1 full, row 2 left-padded (1 token)
        float[] hidden = {
                1, 2, /* t1 */ 3, 4, /* t2 pad */ 100, 200,
                5, 6, /* t1 */ 7, 8, /* t2 */ 9, 10,
                /* t0 pad */ 300, 400, /* t1 pad */ 500, 600, /* t2 */ 11, 12};
        long[] mask = {1, 1, 0, 1, 1, 1, 0, 0, 1};
        float[][] out = Pooling.LAST_TOKEN.pool(hidden, mask, 3, 3, 2);
        assertThat(out[0]).containsExactly(3, 4); // not the padded final position (100, 200)
        assertThat(out[1]).containsExactly(9, 10);
        assertThat(out[2]).containsExactly(11, 12);
    }

    @Test
    void lastTokenOfAnAllMaskedRowIsZeroAndBuffersArePooledFromIndexZero() {
        assertThat(Pooling.LAST_TOKEN.pool(new float[] {4, 5, 6, 7}, new long[] {0, 0}, 1, 2, 2)[0])
                .containsExactly(0, 0);
        java.nio.FloatBuffer buffer = java.nio.FloatBuffer.allocate(HIDDEN.length + 6);
        buffer.put(HIDDEN).put(new float[] {-1, -1, -1, -1, -1, -1});
        float[][] last = Pooling.LAST_TOKEN.pool(buffer, MASK, 2, 3, 2);
        assertThat(last[0]).containsExactly(3, 4);
        assertThat(last[1]).containsExactly(9, 10);
    }

    @Test
    void rejectsShapeMismatch() {
        assertThatThrownBy(() -> Pooling.MEAN.pool(HIDDEN, MASK, 2, 3, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shape mismatch");
        assertThatThrownBy(() -> Pooling.LAST_TOKEN.pool(HIDDEN, new long[] {1, 1}, 2, 3, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shape mismatch");
    }
}
