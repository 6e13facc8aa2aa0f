package io.omnistream.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.ingest.load.Document;
import io.omnistream.ingest.load.Qrel;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.launcher.cli.ReplayCommand;
import io.omnistream.replay.BenchmarkTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SciFact subset of {@code ./omnistream cluster}: reproducible, answerable, readable by {@code replay --beir}. */
class SciFactSubsetTest {
    private static final Path ZIP = Path.of(System.getProperty("omnistream.shared.dir", "../../shared"))
            .resolve("data/scifact/scifact.zip");

    @Test
    void sameSizeGivesTheSameSubsetAndEveryScoredClaimIsAnswerable() throws Exception {
        SciFactCorpus corpus = new SciFactCorpus(ZIP);
        SciFactSubset a = SciFactSubset.of(corpus, 100);
        SciFactSubset b = SciFactSubset.of(corpus, 100);
        assertThat(a).isEqualTo(b);
        assertThat(a.documents()).hasSize(100);
        assertThat(a.claims()).isNotEmpty();
        Set<String> loaded = a.documents().stream().map(Document::id).collect(Collectors.toSet());
        assertThat(a.judgments()).extracting(Qrel::docId).allMatch(loaded::contains);
        // scored claims are exactly the claims judged here, each once
        assertThat(a.claims()).extracting(q -> q.id()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(a.judgments().stream().map(Qrel::queryId).distinct().toList());
    }

    @Test
    void beirDirectoryIsTheTaskReplayReads(@TempDir Path dir) throws Exception {
        SciFactSubset subset = SciFactSubset.of(new SciFactCorpus(ZIP), 50);
        Path beir = subset.writeBeir(dir.resolve("scifact-subset-50"));
        assertThat(Files.readAllLines(beir.resolve("corpus.jsonl"))).hasSize(50);
        BenchmarkTask task = ReplayCommand.beirTask(beir);
        assertThat(task.id()).isEqualTo("scifact-subset-50");
        assertThat(task.queries()).hasSize(subset.claims().size());
    }
}
