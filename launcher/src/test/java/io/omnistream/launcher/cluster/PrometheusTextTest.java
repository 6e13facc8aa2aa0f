package io.omnistream.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    private static final String SCRAPE = String.join("\n",
            "# HELP omnistream_retrieval_quality Latest value",
            "# TYPE omnistream_retrieval_quality gauge",
            "omnistream_retrieval_quality{metric=\"ndcg@10\",path=\"exact\",scope=\"task\",task=\"a \\\"b\\\"\"} 0.93",
            "omnistream_retrieval_quality_queries{path=\"exact\",scope=\"task\",task=\"x\"} 54.0",
            "omnistream_up 1", "");

    @Test
    void readsSamplesOfExactlyTheNamedFamily() {
        List<PrometheusText.Sample> quality = PrometheusText.samples(SCRAPE, "omnistream_retrieval_quality");
        assertThat(quality).singleElement().satisfies(s -> {
            assertThat(s.value()).isEqualTo(0.93);
            assertThat(s.labels()).containsEntry("metric", "ndcg@10").containsEntry("task", "a \"b\"");
        });
        assertThat(PrometheusText.samples(SCRAPE, "omnistream_retrieval_quality_queries")).singleElement()
                .extracting(PrometheusText.Sample::value).isEqualTo(54.0);
        assertThat(PrometheusText.samples(SCRAPE, "omnistream_up")).singleElement()
                .satisfies(s -> assertThat(s.labels()).isEmpty());
    }
}
