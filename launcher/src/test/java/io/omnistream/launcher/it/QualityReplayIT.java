package io.omnistream.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.launcher.cli.ReplayCommand;
import io.omnistream.launcher.report.RankingsExport;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.replay.BenchmarkTask;
import io.omnistream.replay.evaluate.OfflineEvaluator;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code ./omnistream replay} end to end on the shared embedded stack: a small BEIR task cut from the real DBpedia
 * data (15 queries, their first judged entities as the pool) replayed for two epochs through ingest's topic, the
 * encoder worker, Kafka, the Milvus sink and the retrieval-quality Flink job, on both paths.
 *
 * <ul>
 *   <li>every query of both epochs is scored on the exact and the served path;</li>
 *   <li>determinism: both epochs give identical per-task figures;</li>
 *   <li>the exported rankings re-scored by the offline reference ({@code evaluate-offline}) give the report's
 *       figures;</li>
 *   <li>the served path publishes its recall loss against the exact path.</li>
 * </ul>
 */
class QualityReplayIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int QUERIES = 15;
    private static final int DOCS_PER_QUERY = 6;
    /** Epochs of this test; other ITs on the shared stack use other task ids, so numbers cannot collide. */
    private static final int FIRST_EPOCH = 0;

    @Test
    void replaysTwoEpochsOnBothPathsDeterministicallyAndMatchesTheOfflineReference() throws Exception {
        EmbeddedStack stack = SharedStack.get();
        Path dir = beirSubset(Files.createTempDirectory("omnistream-beir").resolve("dbpedia-mini"));
        BenchmarkTask task = ReplayCommand.beirTask(dir);
        assertThat(task.id()).isEqualTo("dbpedia-mini");

        ReplayCommand.Outcome outcome = ReplayCommand.run(stack, List.of(task), FIRST_EPOCH, 2,
                List.of("exact", "served"), Duration.ofMinutes(10), 0, System.out);
        assertThat(outcome.complete()).isTrue();
        assertThat(outcome.lastEpoch()).isEqualTo(FIRST_EPOCH + 1);

        // the report: {task: {path: {metric: value, "queries": n}}}, all 11 metrics on both paths
        JsonNode report = outcome.report().toJson();
        for (String path : List.of("exact", "served")) {
            JsonNode p = report.path(task.id()).path(path);
            assertThat(p.path("queries").asLong()).as(path).isEqualTo(QUERIES);
            for (String metric : QualityVocabulary.RETRIEVAL_METRICS) {
                assertThat(p.path(metric).isNumber()).as(path + " " + metric).isTrue();
            }
        }
        assertThat(report.path(task.id()).path("served").has("recall_loss@10")).isTrue();
        assertThat(report.path(task.id()).path("served").path("ann_overlap@10").asDouble()).isBetween(0.0, 1.0);

        // determinism: epoch 0 and epoch 1 give the same figures on both paths
        for (String path : List.of("exact", "served")) {
            Map<String, Object> first = stack.qualityView().taskReport(task.id(), FIRST_EPOCH, path);
            Map<String, Object> second = stack.qualityView().taskReport(task.id(), FIRST_EPOCH + 1, path);
            System.out.println("epoch " + FIRST_EPOCH + " " + path + ": " + first);
            System.out.println("epoch " + (FIRST_EPOCH + 1) + " " + path + ": " + second);
            for (String metric : QualityVocabulary.RETRIEVAL_METRICS) {
                assertThat((Double) second.get(metric)).as(path + " " + metric)
                        .isCloseTo((Double) first.get(metric), within(1e-12));
            }
        }

        // cross-check: the exported rankings, scored by the offline reference, give the report's exact figures
        Path rankings = dir.resolveSibling("rankings.jsonl");
        int lines = RankingsExport.write(rankings, stack.bootstrapServers(), stack.registryUrl(),
                stack.qualityConfig().rankingsTopic(), List.of(task.id()), outcome.lastEpoch(), Set.of("exact", "served"));
        assertThat(lines).isEqualTo(2 * QUERIES);
        var offline = OfflineEvaluator.evaluate(OfflineEvaluator.readRankings(rankings),
                OfflineEvaluator.readQrels(dir.resolve("qrels/test.tsv")), outcome.lastEpoch());
        for (String path : List.of("exact", "served")) {
            Map<String, Object> offlinePath = offline.get(task.id()).get(path);
            for (String metric : QualityVocabulary.RETRIEVAL_METRICS) {
                assertThat(report.path(task.id()).path(path).path(metric).asDouble()).as(path + " " + metric)
                        .isCloseTo(((Number) offlinePath.get(metric)).doubleValue(), within(1e-9));
            }
        }
    }

    /** A BEIR directory with the first QUERIES DBpedia queries and their first DOCS_PER_QUERY judged entities. */
    private static Path beirSubset(Path dir) throws IOException {
        return BeirSubsets.firstJudged(dir, QUERIES, DOCS_PER_QUERY).dir();
    }
}
