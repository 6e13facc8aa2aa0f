package io.omnistream.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.omnistream.replay.evaluate.OfflineEvaluator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "evaluate-offline", mixinStandardHelpOptions = true,
        description = {
            "Score exported rankings against judgments with the offline reference implementation of the metrics",
            "(independent of the Flink job's code), to cross-check a run. Prints {task: {path: {metric: value, queries: n}}}."})
public final class EvaluateOfflineCommand implements Callable<Integer> {
    @Option(names = "--rankings", required = true, paramLabel = "FILE",
            description = "JSON lines {\"task\", \"query_id\", \"epoch\", \"path\", \"ranking\": [[candidate_id, score], ...]}.")
    Path rankings;

    @Option(names = "--qrels", required = true, paramLabel = "FILE",
            description = "TSV with header: 'query-id corpus-id score' (BEIR) or 'task query-id corpus-id score'.")
    Path qrels;

    @Option(names = "--epoch", paramLabel = "N", description = "Epoch to score (default: the latest epoch of each task).")
    Integer epoch;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the report to FILE.")
    Path report;

    @Override
    public Integer call() throws Exception {
        var result = OfflineEvaluator.evaluate(OfflineEvaluator.readRankings(rankings), OfflineEvaluator.readQrels(qrels), epoch);
        if (result.isEmpty()) {
            throw new IllegalArgumentException("no rankings to score in " + rankings + (epoch == null ? "" : " for epoch " + epoch));
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        System.out.println(json.writeValueAsString(result));
        if (report != null) {
            json.writeValue(report.toFile(), result);
        }
        return 0;
    }
}
