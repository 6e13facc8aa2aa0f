package io.omnistream.encoder.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VectorsTest {
    @Test
    void normalisesToUnitLength() {
        float[] v = Vectors.l2Normalize(new float[] {3, 4});
        assertThat(v[0]).isCloseTo(0.6f, within(1e-7f));
        assertThat(v[1]).isCloseTo(0.8f, within(1e-7f));
        assertThat(Vectors.norm(v)).isCloseTo(1.0, within(1e-7));
    }

    @Test
    void preservesDirection() {
        float[] v = Vectors.l2Normalize(new float[] {-2, 0, 2});
        assertThat(v[0]).isCloseTo((float) -Math.sqrt(0.5), within(1e-7f));
        assertThat(v[1]).isZero();
        assertThat(v[2]).isCloseTo((float) Math.sqrt(0.5), within(1e-7f));
    }

    @Test
    void leavesTheZeroVectorAloneInsteadOfProducingNaN() {
        assertThat(Vectors.l2Normalize(new float[] {0, 0, 0})).containsExactly(0, 0, 0);
    }

    @Test
    void dotOfUnitVectorsIsCosine() {
        float[] a = Vectors.l2Normalize(new float[] {1, 0});
        float[] b = Vectors.l2Normalize(new float[] {1, 1});
        assertThat(Vectors.dot(a, b)).isCloseTo(Math.cos(Math.PI / 4), within(1e-6));
    }
}
