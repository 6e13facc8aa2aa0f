package io.omnistream.replay.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflineEvaluatorTest {
    @Test
    void scoresTheLatestEpochPerTaskAndPath(@TempDir Path dir) throws Exception {
        Path rankings = dir.resolve("rankings.jsonl");
        Files.writeString(rankings, String.join("\n",
                "{\"task\":\"t\",\"query_id\":\"q1\",\"epoch\":0,\"path\":\"exact\",\"ranking\":[[\"x\",0.1],[\"a\",0.9]]}",
                "{\"task\":\"t\",\"query_id\":\"q1\",\"epoch\":1,\"path\":\"exact\",\"ranking\":[[\"a\",0.2],[\"x\",0.9]]}",
                "{\"task\":\"t\",\"query_id\":\"q2\",\"epoch\":1,\"path\":\"exact\",\"ranking\":[[\"b\",0.9],[\"x\",0.1]]}",
                "{\"task\":\"t\",\"query_id\":\"q1\",\"epoch\":1,\"path\":\"served\",\"ranking\":[[\"a\",0.9]]}",
                ""));
        Path qrels = dir.resolve("test.tsv");
        Files.writeString(qrels, "query-id\tcorpus-id\tscore\nq1\ta\t1\nq2\tb\t1\n");

        var report = OfflineEvaluator.evaluate(OfflineEvaluator.readRankings(rankings), OfflineEvaluator.readQrels(qrels), null);
        // epoch 1, exact: q1 has gold at rank 2 (mrr 1/2), q2 at rank 1 (mrr 1) -> mean mrr 0.75, hit@1 0.5
        Map<String, Object> exact = report.get("t").get("exact");
        assertThat(exact.get("queries")).isEqualTo(2);
        assertThat((double) exact.get("mrr@10")).isCloseTo(0.75, within(1e-12));
        assertThat((double) exact.get("hit@1")).isCloseTo(0.5, within(1e-12));
        assertThat(report.get("t").get("served").get("queries")).isEqualTo(1);
        assertThat((double) report.get("t").get("served").get("hit@1")).isEqualTo(1.0);

        var epochZero = OfflineEvaluator.evaluate(OfflineEvaluator.readRankings(rankings), OfflineEvaluator.readQrels(qrels), 0);
        assertThat((double) epochZero.get("t").get("exact").get("hit@1")).isEqualTo(1.0);
    }

    @Test
    void badInputIsReportedWithFileAndLine(@TempDir Path dir) throws Exception {
        Path rankings = dir.resolve("r.jsonl");
        Files.writeString(rankings, "{\"task\":\"t\",\"ranking\":[]}\n");
        assertThatThrownBy(() -> OfflineEvaluator.readRankings(rankings))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(":1: missing field 'query_id'");
        Path qrels = dir.resolve("q.tsv");
        Files.writeString(qrels, "a\tb\n");
        assertThatThrownBy(() -> OfflineEvaluator.readQrels(qrels)).hasMessageContaining("3 (query-id corpus-id score) or 4");
    }
}
