package io.omnistream.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChaosScenarioTest {
    @Test
    void theSuiteHasTheScenariosTheIssueNamesAndSoakIsNotAmongThem() {
        assertThat(Arrays.stream(ChaosScenario.values()).map(ChaosScenario::id)).containsExactly("kill-worker",
                "kill-sink", "milvus-outage-60s", "milvus-hang", "broker-restart", "registry-restart",
                "flink-taskmanager-kill");
        assertThat(ChaosScenario.of("milvus-hang")).isEqualTo(ChaosScenario.MILVUS_HANG);
        assertThatThrownBy(() -> ChaosScenario.of("soak")).hasMessageContaining("known: [kill-worker");
    }

    @Test
    void aResultIsCleanOnlyWhenNothingWasLostDoubledDeadLetteredOrCountedTwice() {
        ChaosRun.Result clean = new ChaosRun.Result("kill-worker", 10, 10, 10, 0, 0, 0, Map.of(), 0, 12.34, 100);
        assertThat(clean.clean()).isTrue();
        assertThat(clean.toJson()).containsKeys("produced", "rows_in_milvus", "distinct_ids", "lost", "duplicated", "dlq",
                "dlq_reasons", "metrics_double_counted", "recovery_seconds").containsEntry("recovery_seconds", 12.3);
        assertThat(new ChaosRun.Result("k", 10, 11, 10, 0, 1, 0, Map.of(), 0, 1, 1).clean()).isFalse();
        assertThat(new ChaosRun.Result("k", 10, 9, 9, 1, 0, 0, Map.of(), 0, 1, 1).clean()).isFalse();
        assertThat(new ChaosRun.Result("k", 10, 10, 10, 0, 0, 1, Map.of("sink: x", 1L), 0, 1, 1).clean()).isFalse();
        assertThat(new ChaosRun.Result("k", 10, 10, 10, 0, 0, 0, Map.of(), 2, 1, 1).clean()).isFalse();
    }
}
