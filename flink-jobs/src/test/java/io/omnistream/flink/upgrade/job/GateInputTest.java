package io.omnistream.flink.upgrade.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.flink.quality.BenchJudgment;
import org.junit.jupiter.api.Test;

class GateInputTest {
    @Test
    void aJudgmentKeepsWhatTheGateUsesAndDropsTheGold() {
        BenchJudgment j = GateFixtures.judgment("scifact", 3, "q7", "ndcg@10");
        j.taskQueries = 30;
        j.epochTasks = new String[] {"scifact", "nfc"};
        j.goldIds = new String[] {"d1"};
        j.goldRelevance = new int[] {1};
        BenchJudgment slim = GateInput.of(j).judgment;
        assertThat(slim.taskId).isEqualTo("scifact");
        assertThat(slim.queryItemId).isEqualTo("q7");
        assertThat(slim.epoch).isEqualTo(3);
        assertThat(slim.primaryMetric).isEqualTo("ndcg@10");
        // the epoch's completeness: dropping these made the gate decide on partial epochs
        assertThat(slim.taskQueries).isEqualTo(30);
        assertThat(slim.epochTasks).containsExactly("scifact", "nfc");
        assertThat(slim.goldIds).isNull();
    }
}
