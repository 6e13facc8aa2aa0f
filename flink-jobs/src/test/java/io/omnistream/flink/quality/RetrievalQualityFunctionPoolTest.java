package io.omnistream.flink.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.flink.quality.metrics.MetricName;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The operator's candidate pools (built once per GLOBAL set and cached, per query for a LOCAL list) rank against what
 * the state holds: a replaced vector, another model version and a LOCAL list each get their own pool.
 */
class RetrievalQualityFunctionPoolTest {

    private static KeyedTwoInputStreamOperatorTestHarness<String, BenchEmbedding, BenchJudgment, QueryScore> harness()
            throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(new RetrievalQualityFunction()),
                (BenchEmbedding e) -> RetrievalQualityFunction.key(e.taskId, e.epoch),
                (BenchJudgment j) -> RetrievalQualityFunction.key(j.taskId, j.epoch), Types.STRING);
        h.open();
        return h;
    }

    private static BenchEmbedding embedding(String version, String role, String item, float... vector) {
        return new BenchEmbedding("m", version, "TEXT", "t", role, item, 0, 1_000L, vector);
    }

    private static BenchJudgment judgment(String query, int candidateCount, String[] candidateIds, String gold) {
        BenchJudgment j = new BenchJudgment();
        j.taskId = "t";
        j.queryItemId = query;
        j.epoch = 0;
        j.candidateCount = candidateCount;
        j.candidateIds = candidateIds;
        j.goldIds = new String[] {gold};
        j.goldRelevance = new int[] {1};
        return j;
    }

    @Test
    void aReplacedCandidateVectorIsRankedWithItsNewVector() throws Exception {
        var h = harness();
        h.processElement1(embedding("v1", BenchEmbedding.ROLE_CANDIDATE, "a", 1f, 0f), 0);
        h.processElement1(embedding("v1", BenchEmbedding.ROLE_CANDIDATE, "b", 0f, 1f), 0);
        h.processElement1(embedding("v1", BenchEmbedding.ROLE_CANDIDATE, "c", 0.6f, 0.8f), 0);
        h.processElement2(judgment("q1", 3, null, "a"), 0);
        h.processElement2(judgment("q2", 3, null, "a"), 0);
        h.processElement1(embedding("v1", BenchEmbedding.ROLE_QUERY, "q1", 1f, 0f), 0);
        // a is re-sent with another vector (a replayed duplicate): the pool must not keep the old one
        h.processElement1(embedding("v1", BenchEmbedding.ROLE_CANDIDATE, "a", 0f, -1f), 0);
        h.processElement1(embedding("v1", BenchEmbedding.ROLE_QUERY, "q2", 1f, 0f), 0);

        List<QueryScore> out = h.extractOutputValues();
        assertThat(out).extracting(s -> s.queryItemId).containsExactly("q1", "q2");
        assertThat(out.get(0).topIds).containsExactly("a", "c", "b");
        assertThat(out.get(0).topScores).containsExactly(1.0, (double) 0.6f, 0.0);
        assertThat(out.get(0).value(MetricName.HIT_AT_1)).isEqualTo(1.0);
        // q2: c 0.6, then b and a tie at 0 and the id rule puts b first
        assertThat(out.get(1).topIds).containsExactly("c", "b", "a");
        assertThat(out.get(1).value(MetricName.HIT_AT_1)).isEqualTo(0.0);
        assertThat(out.get(1).value(MetricName.MRR_AT_10)).isEqualTo(1.0 / 3);
        assertThat(out.get(1).candidateCount).isEqualTo(3);
        h.close();
    }

    @Test
    void eachModelVersionAndLocalListRanksItsOwnCandidates() throws Exception {
        var h = harness();
        h.processElement2(judgment("q", 2, null, "a"), 0);
        h.processElement2(judgment("ql", 0, new String[] {"b", "c", "b"}, "c"), 0);
        for (String version : List.of("v1", "v2")) {
            boolean first = version.equals("v1");
            h.processElement1(embedding(version, BenchEmbedding.ROLE_CANDIDATE, "a", first ? 1f : 0f, first ? 0f : 1f), 0);
            h.processElement1(embedding(version, BenchEmbedding.ROLE_CANDIDATE, "b", first ? 0f : 1f, first ? 1f : 0f), 0);
        }
        h.processElement1(embedding("v1", BenchEmbedding.ROLE_QUERY, "q", 1f, 0f), 0);
        h.processElement1(embedding("v2", BenchEmbedding.ROLE_QUERY, "q", 1f, 0f), 0);
        // a third candidate makes the GLOBAL pools of 2 overcomplete, but completes ql's LOCAL list {b, c}
        h.processElement1(embedding("v1", BenchEmbedding.ROLE_CANDIDATE, "c", 0.8f, 0.6f), 0);
        h.processElement1(embedding("v1", BenchEmbedding.ROLE_QUERY, "ql", 1f, 0f), 0);

        List<QueryScore> out = h.extractOutputValues();
        assertThat(out).extracting(s -> s.modelVersion + "/" + s.queryItemId).containsExactly("v1/q", "v2/q", "v1/ql");
        assertThat(out.get(0).topIds).containsExactly("a", "b");
        assertThat(out.get(1).topIds).containsExactly("b", "a");
        assertThat(out.get(2).topIds).containsExactly("c", "b");
        assertThat(out.get(2).candidateCount).isEqualTo(2);
        assertThat(out.get(2).value(MetricName.HIT_AT_1)).isEqualTo(1.0);
        h.close();
    }
}
