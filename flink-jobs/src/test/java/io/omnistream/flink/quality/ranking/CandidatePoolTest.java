package io.omnistream.flink.quality.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CandidatePoolTest {

    @Test
    void rowsAreContiguousInInsertionOrderAndCopied() {
        float[] a = {1f, 2f, 2f};
        CandidatePool.Builder builder = CandidatePool.builder(1); // grows past the expected size
        builder.add("a", a).add("b", new float[] {0f, 0f, 0.5f}).add("c", new float[] {3f, 0f, 4f});
        CandidatePool pool = builder.build();
        a[0] = 99f; // the pool holds a copy
        assertThat(pool.size()).isEqualTo(3);
        assertThat(pool.dim()).isEqualTo(3);
        assertThat(pool.id(0)).isEqualTo("a");
        assertThat(pool.id(2)).isEqualTo("c");
        assertThat(pool.vectors()).containsExactly(1f, 2f, 2f, 0f, 0f, 0.5f, 3f, 0f, 4f);
        assertThat(pool.maxNorm()).isCloseTo(5.0, within(1e-12)); // |(3, 0, 4)|
    }

    @Test
    void ofMapKeepsEveryEntry() {
        Map<String, float[]> map = new LinkedHashMap<>();
        map.put("x", new float[] {1f});
        map.put("y", new float[] {-2f});
        CandidatePool pool = CandidatePool.of(map);
        assertThat(pool.size()).isEqualTo(2);
        assertThat(pool.id(1)).isEqualTo("y");
        assertThat(pool.maxNorm()).isEqualTo(2.0);
        assertThat(CandidatePool.of(Map.of())).isSameAs(CandidatePool.empty());
        assertThat(CandidatePool.empty().dim()).isZero();
    }

    @Test
    void rejectsDuplicateAndBlankIdsAndMixedDimensions() {
        assertThatThrownBy(() -> CandidatePool.builder(2).add("a", new float[] {1f}).add("a", new float[] {2f}).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate candidate id 'a'");
        assertThatThrownBy(() -> CandidatePool.builder(1).add(" ", new float[] {1f}).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> CandidatePool.builder(2).add("a", new float[] {1f}).add("b", new float[] {1f, 2f}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimension mismatch: candidate 'b' has 2, the pool 1");
        assertThatThrownBy(() -> CandidatePool.builder(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
