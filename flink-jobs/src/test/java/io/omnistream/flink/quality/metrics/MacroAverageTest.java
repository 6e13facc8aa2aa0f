package io.omnistream.flink.quality.metrics;

import static io.omnistream.flink.quality.metrics.MetricAggregateTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MacroAverageTest {

    @Test
    void averagesTaskMeansUnweighted() {
        // task A: hit@1 = 1, 1, 0 -> mean 2/3; task B: hit@1 = 0 -> mean 0.
        // macro = (2/3 + 0) / 2 = 1/3, whereas pooling the 4 queries would give 2/4 = 0.5.
        MetricAggregate a = MetricAggregate.empty().plus(query(1, 0.9)).plus(query(1, 0.6)).plus(query(0, 0.0));
        MetricAggregate b = MetricAggregate.empty().plus(query(0, 0.3));

        MacroAverage macro = MacroAverage.of(Map.of("A", a, "B", b));

        assertThat(macro.mean(MetricName.HIT_AT_1).getAsDouble()).isCloseTo(1.0 / 3.0, within(1e-15));
        // ndcg@5: A mean (0.9 + 0.6 + 0) / 3 = 0.5, B mean 0.3 -> (0.5 + 0.3) / 2 = 0.4
        assertThat(macro.mean(MetricName.NDCG_AT_5).getAsDouble()).isCloseTo(0.4, within(1e-15));
        assertThat(macro.taskCount(MetricName.HIT_AT_1)).isEqualTo(2);
    }

    @Test
    void tasksWithoutQueriesAreLeftOutNotCountedAsZero() {
        MetricAggregate a = MetricAggregate.empty().plus(query(1, 0.8));

        MacroAverage macro = MacroAverage.of(Map.of("A", a, "Empty", MetricAggregate.empty()));

        assertThat(macro.mean(MetricName.HIT_AT_1).getAsDouble()).isEqualTo(1.0); // 1 / 1 task, not (1 + 0) / 2
        assertThat(macro.taskCount(MetricName.HIT_AT_1)).isEqualTo(1);
        assertThat(macro.tasks()).containsExactly("A", "Empty");
        assertThat(MacroAverage.of(Map.of()).mean(MetricName.HIT_AT_1)).isEmpty();
    }
}
