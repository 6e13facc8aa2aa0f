package io.omnistream.benchmarks.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerComparisonTest {
    private static final PeerResult PEER = new PeerResult("python-onnxruntime-1.28.0", 8.0, 240, 30.0, 0, new float[0][]);

    @Test
    void minCosineIsTheWorstRow() {
        float[][] java = {{1, 0}, {0, 1}, {3, 4}};
        // row 0 identical (1.0), row 1 at 60 degrees (0.5), row 2 scaled (1.0: cosine ignores length)
        float[][] peer = {{1, 0}, {(float) Math.sqrt(3) / 2, 0.5f}, {6, 8}};
        assertThat(PeerComparison.minCosine(java, peer)).isCloseTo(0.5, within(1e-6));
    }

    @Test
    void minCosineOfOppositeVectorsIsMinusOne() {
        assertThat(PeerComparison.minCosine(new float[][] {{1, 2}}, new float[][] {{-1, -2}})).isCloseTo(-1.0, within(1e-9));
    }

    @Test
    void minCosineRefusesMismatchedShapes() {
        assertThatThrownBy(() -> PeerComparison.minCosine(new float[][] {{1}}, new float[][] {{1}, {1}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 Java vectors with 2 peer");
        assertThatThrownBy(() -> PeerComparison.minCosine(new float[][] {{1, 0}}, new float[][] {{1}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension 2 vs 1");
        assertThatThrownBy(() -> PeerComparison.minCosine(new float[0][], new float[0][]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reportFieldsAreRatiosToThePeer() {
        Map<String, Object> f = PeerComparison.reportFields(PEER, 10.0, 12.0, 0.99999);
        assertThat(f).containsEntry("peer", "python-onnxruntime-1.28.0")
                .containsEntry("peer_items_per_second", 8.0)
                .containsEntry("peer_threads", 0)
                .containsEntry("peer_min_cosine", 0.99999);
        assertThat((double) f.get("raw_vs_peer")).isCloseTo(1.25, within(1e-12));
        assertThat((double) f.get("worker_vs_peer")).isCloseTo(1.5, within(1e-12));
    }

    @Test
    void withoutAWorkerThereIsNoWorkerRatio() {
        assertThat(PeerComparison.reportFields(PEER, 10.0, null, 1.0)).doesNotContainKey("worker_vs_peer").containsKey("raw_vs_peer");
    }

    @Test
    void aPeerThatMeasuredNothingIsRefused() {
        PeerResult zero = new PeerResult("p", 0.0, 0, 30.0, 0, new float[0][]);
        assertThatThrownBy(() -> PeerComparison.reportFields(zero, 10.0, 12.0, 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("> 0");
    }
}
