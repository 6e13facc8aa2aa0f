package io.omnistream.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SoakRunTest {
    private static SoakRun.Sample sample(int t, long workerRssMb, long lag, double p99) {
        return new SoakRun.Sample(t, Map.of("encoder-worker-1", workerRssMb, "milvus-sink", 300L), lag, 0, p99, 6, t * 3L);
    }

    @Test
    void nearestRankPercentile() {
        assertThat(SoakRun.percentile(List.of(1.0, 2.0, 3.0, 4.0), 0.99)).isEqualTo(4.0);
        assertThat(SoakRun.percentile(List.of(1.0, 2.0, 3.0, 4.0), 0.5)).isEqualTo(2.0);
        assertThat(SoakRun.percentile(List.of(7.0), 0.99)).isEqualTo(7.0);
        assertThat(SoakRun.percentile(List.of(), 0.99)).isNaN();
    }

    @Test
    void steadyFiguresAreFlatAndTheWarmUpSampleIsLeftOut() {
        List<SoakRun.Sample> samples = new ArrayList<>();
        samples.add(sample(30, 100, 500, 9000)); // warm-up: far below the steady RSS, lag and latency far above
        for (int i = 2; i <= 10; i++) {
            samples.add(sample(30 * i, 1000 + i, 20, 1500));
        }
        Map<String, Object> v = SoakRun.verdict(samples, 90);
        assertThat(v.get("flat")).isEqualTo(true);
        @SuppressWarnings("unchecked")
        Map<String, Double> growth = (Map<String, Double>) v.get("rss_growth_pct");
        // first third of the steady samples: 1002..1004 (mean 1003); last third: 1008..1010 (mean 1009)
        assertThat(growth.get("encoder-worker-1")).isEqualTo(0.6);
        assertThat(growth.get("milvus-sink")).isEqualTo(0.0);
        assertThat(v.get("searchable_p99_ms_first_third")).isEqualTo(1500L);
    }

    @Test
    void aProcessWhoseMemoryKeepsGrowingIsNotFlat() {
        List<SoakRun.Sample> samples = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            samples.add(sample(30 * i, 1000 + 50L * i, 20, 1500));
        }
        Map<String, Object> v = SoakRun.verdict(samples, 90);
        assertThat(v.get("flat")).isEqualTo(false);
    }

    @Test
    void aGrowingBacklogOrLatencyIsNotFlat() {
        List<SoakRun.Sample> lag = new ArrayList<>();
        List<SoakRun.Sample> latency = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            lag.add(sample(30 * i, 1000, 100L * i, 1500));
            latency.add(sample(30 * i, 1000, 20, 1000.0 * i));
        }
        assertThat(SoakRun.verdict(lag, 90).get("flat")).isEqualTo(false);
        assertThat(SoakRun.verdict(latency, 90).get("flat")).isEqualTo(false);
    }
}
