package io.omnistream.flink.quality.served;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.flink.quality.BenchJudgment;
import io.omnistream.flink.quality.QueryScore;
import io.omnistream.flink.quality.metrics.MetricName;
import io.omnistream.milvus.config.MilvusConnection;
import io.omnistream.milvus.search.SearchHit;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServedSearchFunctionTest {

    @Test
    void globalTasksFilterOnTheEpochsCandidatePrefixAndLocalOnesOnTheirListBothInTheBenchmarkTenant() {
        BenchJudgment global = judgment(null);
        assertThat(ServedSearchFunction.filter(global))
                .isEqualTo("(tenant == \"omnistream-bench\") and ((task_id == \"t\") and (content_id like \"bench:t:3:c:%\"))");
        BenchJudgment local = judgment(new String[] {"a", "b c"});
        assertThat(ServedSearchFunction.filter(local))
                .isEqualTo("(tenant == \"omnistream-bench\") and (content_id in [\"bench:t:3:c:a\", \"bench:t:3:c:b%20c\"])");
    }

    @Test
    void hitsAreMappedBackToItemIdsAndScoredAgainstTheJudgment() {
        QueryScore exact = new QueryScore();
        exact.modelId = "m";
        exact.modelVersion = "v";
        exact.queryItemId = "q1";
        exact.eventTimeMs = 7;
        exact.judgment = judgment(null);
        exact.judgment.goldIds = new String[] {"b c", "z"};
        exact.judgment.goldRelevance = new int[] {1, 1};
        List<SearchHit> hits = List.of(new SearchHit("bench:t:3:c:a", 0.9f), new SearchHit("not-a-bench-id", 0.8f),
                new SearchHit("bench:t:3:c:b%20c", 0.7f));
        QueryScore served = ServedSearchFunction.score(exact, hits);
        assertThat(served.path).isEqualTo(QualityVocabulary.PATH_SERVED);
        assertThat(served.topIds).containsExactly("a", "b c");
        assertThat(served.value(MetricName.HIT_AT_1)).isZero();
        assertThat(served.value(MetricName.HIT_AT_5)).isEqualTo(1.0);
        assertThat(served.value(MetricName.RECALL_AT_10)).isEqualTo(0.5); // z was not returned
        assertThat(served.value(MetricName.MRR_AT_10)).isEqualTo(0.5);
        assertThat(served.candidateCount).isEqualTo(40);
        assertThat(served.queryVector).isNull();
    }

    @Test
    void topKBelowTheMetricCutoffIsRefused() {
        assertThatThrownBy(() -> new ServedSearchFunction(MilvusConnection.of("http://127.0.0.1:1"), 64, 5,
                Duration.ofSeconds(1), Duration.ofMillis(10))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topK");
    }

    private static BenchJudgment judgment(String[] candidateIds) {
        BenchJudgment j = new BenchJudgment();
        j.taskId = "t";
        j.queryItemId = "q1";
        j.epoch = 3;
        j.metaTask = "BEIR";
        j.queryModality = "TEXT";
        j.targetModality = "TEXT";
        j.candidateCount = candidateIds == null ? 40 : candidateIds.length;
        j.candidateIds = candidateIds;
        j.goldIds = new String[0];
        j.goldRelevance = new int[0];
        return j;
    }
}
