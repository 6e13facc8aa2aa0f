package io.omnistream.quality.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PipelineMonitorTest {
    @Test
    void encoderTotalsSumOverModelsPerOutcome() {
        PrometheusRegistry registry = new PrometheusRegistry();
        // the name and labels of the encoder workers' counter (WorkerMetrics)
        Counter events = Counter.builder().name("omnistream_encoder_events_total").labelNames("model", "outcome").register(registry);
        events.labelValues("a", "embedded").inc(5);
        events.labelValues("b", "embedded").inc(2);
        events.labelValues("a", "dead_lettered").inc(1);

        assertThat(PipelineMonitor.encoderEventTotals(registry)).isEqualTo(Map.of("embedded", 7.0, "dead_lettered", 1.0));
        assertThat(PipelineMonitor.encoderEventTotals(new PrometheusRegistry())).isEmpty();
    }

    @Test
    void ratesArePerSecondIncreasesWithATotal() {
        Map<String, Double> rates = PipelineMonitor.rates(Map.of("embedded", 10.0), Map.of("embedded", 30.0, "tombstone", 5.0), 5.0);

        assertThat(rates.get("embedded")).isCloseTo(4.0, within(1e-12));
        assertThat(rates.get("tombstone")).isCloseTo(1.0, within(1e-12)); // new outcome: counted from 0
        assertThat(rates.get("total")).isCloseTo(5.0, within(1e-12));
    }

    @Test
    void aCounterThatWentDownCountsFromZero() {
        assertThat(PipelineMonitor.rates(Map.of("embedded", 100.0), Map.of("embedded", 6.0), 2.0).get("embedded")).isEqualTo(3.0);
    }

    @Test
    void lagSumsCommittedPartitionsPerGroupAndTopic() {
        TopicPartition media0 = new TopicPartition("media", 0);
        TopicPartition media1 = new TopicPartition("media", 1);
        TopicPartition judgments0 = new TopicPartition("judgments", 0);
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> encoder = new HashMap<>();
        encoder.put(media0, new OffsetAndMetadata(40));
        encoder.put(media1, new OffsetAndMetadata(10));
        committed.put("encoder", encoder);
        Map<TopicPartition, OffsetAndMetadata> flink = new HashMap<>();
        flink.put(judgments0, new OffsetAndMetadata(9));
        flink.put(media0, null); // listed without a committed offset: not counted
        committed.put("flink", flink);
        Map<TopicPartition, Long> ends = Map.of(media0, 50L, media1, 15L, judgments0, 8L);

        assertThat(PipelineMonitor.lagOf(committed, ends)).containsExactly(
                new PipelineMonitor.Lag("encoder", "media", 15),
                new PipelineMonitor.Lag("flink", "judgments", 0)); // committed past a fetched end: clamped
    }
}
