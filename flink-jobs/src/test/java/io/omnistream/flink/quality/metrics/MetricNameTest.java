package io.omnistream.flink.quality.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MetricNameTest {

    @Test
    void keysAreTheWireNames() {
        assertThat(Arrays.stream(MetricName.values()).map(MetricName::key)).containsExactly(
                "hit@1", "hit@5", "hit@10", "ndcg@5", "ndcg@10", "ndcg_exp@5", "ndcg_exp@10",
                "recall@1", "recall@5", "recall@10", "mrr@10");
    }

    @Test
    void lookupByKey() {
        assertThat(MetricName.fromKey("ndcg_exp@10")).isEqualTo(MetricName.NDCG_EXP_AT_10);
        assertThat(MetricName.NDCG_EXP_AT_10.k()).isEqualTo(10);
        assertThat(MetricName.NDCG_EXP_AT_10.family()).isEqualTo(MetricName.Family.NDCG_EXP);
        assertThatThrownBy(() -> MetricName.fromKey("ndcg_linear@10")).isInstanceOf(IllegalArgumentException.class);
    }
}
