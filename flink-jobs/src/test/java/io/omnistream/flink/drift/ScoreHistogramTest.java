package io.omnistream.flink.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScoreHistogramTest {

    /* 2000 bins over [-1, 1], width 0.001: bin i = floor((s + 1) * 1000). */
    @Test
    void binsCoverMinusOneToOne() {
        ScoreHistogram h = new ScoreHistogram();
        assertThat(h.bins()).isEqualTo(2000);
        assertThat(h.binWidth()).isEqualTo(0.001);
        assertThat(h.binOf(-1.0)).isZero();
        assertThat(h.binOf(-0.9995)).isZero();          // 0.5 -> 0
        assertThat(h.binOf(0.0)).isEqualTo(1000);       // 1000.0 exactly: lower edge of bin 1000
        assertThat(h.binOf(0.7305)).isEqualTo(1730);    // 1730.5 -> 1730
        assertThat(h.binOf(0.9999)).isEqualTo(1999);    // 1999.9 -> 1999
        assertThat(h.binOf(1.0)).isEqualTo(1999);       // 2000 -> last bin holds 1.0
    }

    @Test
    void outOfRangeScoresAreClampedAndCounted() {
        ScoreHistogram h = new ScoreHistogram(4);
        h.add(1.0000001);    // float rounding of a cosine
        h.add(-7.0);
        h.add(0.1);          // (1.1 / 2) * 4 = 2.2 -> bin 2
        assertThat(h.counts).containsExactly(1, 0, 1, 1);
        assertThat(h.total).isEqualTo(3);
        assertThat(h.clamped).isEqualTo(2);
        assertThat(h.maxBinShare()).isEqualTo(1.0 / 3.0);
        assertThatThrownBy(() -> h.add(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(h.total).isEqualTo(3);
    }

    @Test
    void memoryStaysBoundedWhateverTheNumberOfScores() {
        ScoreHistogram h = new ScoreHistogram();
        for (int i = 0; i < 100_000; i++) {
            h.add(Math.sin(i));
        }
        assertThat(h.counts).hasSize(2000);
        assertThat(h.total).isEqualTo(100_000);
        long sum = 0;
        for (long c : h.counts) {
            sum += c;
        }
        assertThat(sum).isEqualTo(100_000);
    }

    @Test
    void mergeAddsCountsAndClearEmpties() {
        ScoreHistogram a = new ScoreHistogram(4);
        ScoreHistogram b = new ScoreHistogram(4);
        a.add(-0.9);   // bin 0
        b.add(0.9);    // bin 3
        b.add(2.0);    // clamped into bin 3
        a.merge(b);
        assertThat(a.counts).containsExactly(1, 0, 0, 2);
        assertThat(a.total).isEqualTo(3);
        assertThat(a.clamped).isEqualTo(1);
        assertThat(b.total).isEqualTo(2);
        assertThatThrownBy(() -> a.merge(new ScoreHistogram(5))).isInstanceOf(IllegalArgumentException.class);
        a.clear();
        assertThat(a.counts).containsOnly(0L);
        assertThat(a.total).isZero();
        assertThat(a.maxBinShare()).isZero();
        assertThatThrownBy(() -> new ScoreHistogram(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
