package io.omnistream.flink.bias;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class BiasMetricNamesTest {

    /** The wire names are a contract with dashboards and alert rules: spelled out here, not derived. */
    @Test
    void wireNamesAreExactlyTheAgreedOnes() {
        assertThat(BiasMetricNames.ALL).containsExactly(
                "target_modality_accuracy",
                "topk_share@1", "topk_share@5", "topk_share@10",
                "query_modality_bias@1", "query_modality_bias@5", "query_modality_bias@10",
                "hit@1", "asymmetry_hit@1",
                "instruction_effect_accuracy", "instruction_shift_cosine",
                "modality_gap_centroid_distance", "modality_gap_centroid_cosine_distance",
                "within_modality_cosine", "cross_modality_cosine");
        assertThat(new HashSet<>(BiasMetricNames.ALL)).hasSameSizeAs(BiasMetricNames.ALL);
    }

    @Test
    void cutoffArraysLineUpWithTheirNames() {
        assertThat(BiasMetricNames.CUTOFFS).containsExactly(1, 5, 10);
        assertThat(List.of(BiasMetricNames.TOPK_SHARE)).containsExactly("topk_share@1", "topk_share@5",
                "topk_share@10");
        assertThat(List.of(BiasMetricNames.QUERY_MODALITY_BIAS)).containsExactly("query_modality_bias@1",
                "query_modality_bias@5", "query_modality_bias@10");
    }

    @Test
    void modalitiesFollowTheAvroEnumOrder() {
        // schemas/src/main/avro/Modality.avsc: ["TEXT", "IMAGE", "VIDEO", "AUDIO", "DOCUMENT"]
        assertThat(Modalities.ALL).containsExactly("TEXT", "IMAGE", "VIDEO", "AUDIO", "DOCUMENT");
        assertThat(Modalities.index("VIDEO")).isEqualTo(2);
        assertThat(Modalities.isKnown("text")).isFalse();
    }
}
