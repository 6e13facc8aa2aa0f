package io.omnistream.launcher.report;

import static io.omnistream.quality.view.QualityRecords.notScored;
import static io.omnistream.quality.view.QualityRecords.retrieval;
import static io.omnistream.quality.view.QualityRecords.servedOnly;
import static io.omnistream.quality.view.QualityRecords.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.quality.view.QualityMetricsView;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EPOCH = 2;
    private static final String REASON = "no encoder for modality IMAGE in model bge-small-en-v1.5";
    private static final List<String> BOTH_PATHS = List.of("exact", "served");

    private final QualityMetricsView view = new QualityMetricsView();

    /** scored: both paths; broken: dead-lettered only; an older epoch of scored that must not leak in. */
    private void twoTasks() {
        retrieval("scored", 1, "exact", 0.0, 50).forEach(view::accept);
        retrieval("scored", EPOCH, "exact", 0.5, 40).forEach(view::accept);
        retrieval("scored", EPOCH, "served", 0.4, 40).forEach(view::accept);
        servedOnly("scored", EPOCH, 0.1, 38).forEach(view::accept);
        view.accept(notScored("broken", EPOCH, 12, REASON));
    }

    @Test
    void jsonHasTaskPathMetricsInOrderThenQueries() throws IOException {
        twoTasks();
        JsonNode report = JSON.readTree(ReplayReport.of(view, List.of("scored", "broken"), EPOCH, BOTH_PATHS).toJsonString());

        assertThat(names(report)).containsExactly("scored", "broken");
        JsonNode scored = report.get("scored");
        assertThat(names(scored)).containsExactly("exact", "served");

        List<String> exactKeys = new ArrayList<>(QualityVocabulary.RETRIEVAL_METRICS);
        exactKeys.add("queries");
        assertThat(names(scored.get("exact"))).containsExactlyElementsOf(exactKeys);
        assertThat(scored.get("exact").get("hit@1").asDouble()).isEqualTo(0.5);
        assertThat(scored.get("exact").get("mrr@10").asDouble()).isEqualTo(value(0.5, 10));
        assertThat(scored.get("exact").get("queries").isIntegralNumber()).isTrue();
        assertThat(scored.get("exact").get("queries").asLong()).isEqualTo(40);

        List<String> servedKeys = new ArrayList<>(QualityVocabulary.RETRIEVAL_METRICS);
        servedKeys.addAll(QualityVocabulary.SERVED_ONLY_METRICS);
        servedKeys.add("queries");
        assertThat(names(scored.get("served"))).containsExactlyElementsOf(servedKeys);
        assertThat(scored.get("served").get("recall_loss@10").asDouble()).isEqualTo(value(0.1, 2));
        assertThat(scored.get("served").get("hit@1").asDouble()).isEqualTo(0.4);
    }

    @Test
    void aNotScoredTaskHasItsReasonAndNoNumbers() throws IOException {
        twoTasks();
        JsonNode broken = JSON.readTree(ReplayReport.of(view, List.of("broken"), EPOCH, BOTH_PATHS).toJsonString()).get("broken");

        assertThat(names(broken)).containsExactly("exact");
        assertThat(names(broken.get("exact"))).containsExactly("status", "reason", "dead_lettered");
        assertThat(broken.get("exact").get("status").asText()).isEqualTo("not scored");
        assertThat(broken.get("exact").get("reason").asText()).isEqualTo(REASON);
        assertThat(broken.get("exact").get("dead_lettered").asLong()).isEqualTo(12);
    }

    @Test
    void aPartlyDeadLetteredTaskKeepsItsScoresAndCountsTheLoss() throws IOException {
        retrieval("partial", EPOCH, "exact", 0.3, 20).forEach(view::accept);
        view.accept(notScored("partial", EPOCH, 3, REASON));

        JsonNode exact = JSON.readTree(ReplayReport.of(view, List.of("partial"), EPOCH, List.of("exact")).toJsonString())
                .get("partial").get("exact");

        assertThat(exact.get("hit@1").asDouble()).isEqualTo(0.3);
        assertThat(names(exact)).endsWith("queries", "dead_lettered");
        assertThat(exact.get("dead_lettered").asLong()).isEqualTo(3);
    }

    @Test
    void aTaskWithoutResultsSaysSoPerPath() throws IOException {
        twoTasks();
        JsonNode report = JSON.readTree(ReplayReport.of(view, List.of("unknown"), EPOCH, BOTH_PATHS).toJsonString());

        assertThat(names(report.get("unknown"))).containsExactly("exact", "served");
        for (String path : BOTH_PATHS) {
            assertThat(names(report.get("unknown").get(path))).containsExactly("status");
            assertThat(report.get("unknown").get(path).get("status").asText()).isEqualTo("no results");
        }
        // an epoch with nothing for a task that has other epochs is no result either, not the other epoch's score
        JsonNode epochThree = JSON.readTree(ReplayReport.of(view, List.of("scored"), 3, List.of("exact")).toJsonString());
        assertThat(epochThree.get("scored").get("exact").get("status").asText()).isEqualTo("no results");
    }

    @Test
    void theReportIsASnapshot() {
        twoTasks();
        ReplayReport report = ReplayReport.of(view, List.of("scored"), EPOCH, List.of("exact"));
        String before = report.toJsonString();

        retrieval("scored", EPOCH, "exact", 0.9, 41).forEach(view::accept);

        assertThat(report.toJsonString()).isEqualTo(before);
        report.toJson().put("tampered", 1);
        assertThat(report.toJsonString()).isEqualTo(before);
    }

    @Test
    void writesTheJsonToAFile(@TempDir Path dir) throws IOException {
        twoTasks();
        ReplayReport report = ReplayReport.of(view, List.of("scored", "broken"), EPOCH, BOTH_PATHS);
        Path file = dir.resolve("reports/replay.json");

        report.write(file);

        JsonNode written = JSON.readTree(file.toFile());
        // compared as parsed text: the tree built in memory holds longs where parsing gives ints
        assertThat(written).isEqualTo(JSON.readTree(report.toJsonString()));
        assertThat(written.get("scored").get("exact").get("hit@1").asDouble()).isEqualTo(0.5);
        assertThat(written.get("broken").get("exact").get("status").asText()).isEqualTo("not scored");
    }

    @Test
    void textSummaryHasOneRowPerTaskAndPath() {
        twoTasks();
        String text = ReplayReport.of(view, List.of("scored", "broken"), EPOCH, BOTH_PATHS).toText();

        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0).split("\\s+")).containsExactly("task", "path", "queries", "hit@1", "ndcg@10", "recall@10", "mrr@10");
        assertThat(lines.get(1).split("\\s+")).containsExactly("scored", "exact", "40", "0.5000",
                format(value(0.5, 4)), format(value(0.5, 9)), format(value(0.5, 10)));
        assertThat(lines.get(2)).startsWith("scored").contains("served", "0.4000");
        assertThat(lines.get(3)).startsWith("broken").contains("exact", "not scored", "12", REASON);
    }

    @Test
    void refusesAReportWithoutPaths() {
        assertThatThrownBy(() -> ReplayReport.of(view, List.of("scored"), EPOCH, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String format(double value) {
        return String.format(java.util.Locale.ROOT, "%.4f", value);
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
