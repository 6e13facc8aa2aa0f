package io.omnistream.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.launcher.stack.PipelineProbe;
import io.omnistream.replay.BenchItem;
import io.omnistream.replay.BenchQuery;
import io.omnistream.replay.BenchmarkReplayer;
import io.omnistream.replay.BenchmarkTask;
import io.omnistream.replay.JudgmentProducer;
import io.omnistream.replay.ReplayPlan;
import io.omnistream.replay.TaskCatalog;
import io.omnistream.schemas.Topics;
import io.omnistream.schemas.avro.BenchmarkRole;
import io.omnistream.schemas.avro.FailedEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The benchmark replayer on the real embedded stack, with the COCO-mini caption→image task converted from the real
 * data: caption queries are embedded by the text model like any event (benchmark marker kept), the image candidates
 * reach the encoder as IMAGE events and, with no image model configured, land in the DLQ with the reason
 * "no encoder for modality IMAGE in model …" rather than being dropped; one judgment per query is published, and the
 * retrieval-quality job reports the task as "not scored" with that reason.
 */
class BenchmarkReplayIT {
    private static final int EPOCH = 7;

    @Test
    void replaysCocoCaptionToImageThroughTheProductionPath() throws Exception {
        EmbeddedStack stack = SharedStack.get();
        Path generated = Files.createTempDirectory("omnistream-tasks");
        BenchmarkTask task = TaskCatalog.builtIn().open("coco-t2i", SharedStack.sharedData(), generated);
        List<String> candidateIds = new ArrayList<>();
        try (Stream<BenchItem> candidates = task.candidates()) {
            candidates.forEach(c -> candidateIds.add(ReplayPlan.contentId(task.id(), EPOCH, BenchmarkRole.CANDIDATE, c.itemId())));
        }
        List<String> queryIds = new ArrayList<>();
        for (BenchQuery q : task.queries()) {
            queryIds.add(ReplayPlan.contentId(task.id(), EPOCH, BenchmarkRole.QUERY, q.itemId()));
        }

        try (PipelineProbe probe = new PipelineProbe(stack.bootstrapServers());
             JudgmentProducer judgments = new JudgmentProducer(stack.bootstrapServers(), stack.registryUrl())) {
            long judgmentsBefore = probe.recordCount(Topics.JUDGMENTS);
            List<BenchmarkReplayer.Progress> progress = new ArrayList<>();
            int epochs = new BenchmarkReplayer(stack.producer(), judgments, 0, Duration.ofMinutes(2))
                    .run(List.of(task), EPOCH, 1, progress::add);

            assertThat(epochs).isEqualTo(1);
            assertThat(progress).singleElement().satisfies(p -> {
                assertThat(p.events()).isEqualTo(candidateIds.size() + queryIds.size());
                assertThat(p.judgments()).isEqualTo(queryIds.size());
            });
            assertThat(probe.recordCount(Topics.JUDGMENTS) - judgmentsBefore).isEqualTo(queryIds.size());
        }

        // every caption query is embedded and searchable, exactly once
        await().atMost(Duration.ofMinutes(3)).until(() ->
                stack.searcher().rowsPerContentId(stack.modelVersion(), queryIds).values().stream().allMatch(n -> n == 1));
        // every image candidate is dead-lettered with the reason, none silently dropped
        Map<String, FailedEvent> dlq = new HashMap<>();
        await().atMost(Duration.ofMinutes(3)).until(() -> {
            dlq.putAll(DlqReader.readAll(stack));
            return dlq.keySet().containsAll(candidateIds);
        });
        for (String id : candidateIds) {
            assertThat(dlq.get(id).getReason()).isEqualTo("no encoder for modality IMAGE in model " + stack.encoder().modelId());
        }
        assertThat(stack.searcher().rowsPerContentId(stack.modelVersion(), candidateIds).values()).allMatch(n -> n == 0);

        // the retrieval-quality job reports the task as not scored, with the reason, and never a made-up 0
        await().atMost(Duration.ofMinutes(2)).until(() -> stack.qualityView().notScored(task.id(), EPOCH)
                .map(n -> n.deadLettered() == candidateIds.size()).orElse(false));
        assertThat(stack.qualityView().notScored(task.id(), EPOCH).orElseThrow().reason())
                .contains("no encoder for modality IMAGE in model " + stack.encoder().modelId());
        assertThat(stack.qualityView().queriesScored(task.id(), EPOCH, "exact")).isEqualTo(-1);
        assertThat(io.omnistream.launcher.report.ReplayReport.of(stack.qualityView(), List.of(task.id()), EPOCH,
                List.of("exact", "served")).toJson().path(task.id()).path("exact").path("status").asText())
                .isEqualTo("not scored");
    }
}
