package io.omnistream.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/metrics.md's catalogue is exactly what the deployed processes register. Regenerate with
 * {@code mvn -pl monitoring test -Dtest=MetricReferenceTest -Domnistream.regenerate=true}.
 */
class MetricReferenceTest {
    @Test
    void catalogueMatchesTheCode() throws Exception {
        Path doc = Repo.root().resolve("docs/metrics.md");
        String text = Files.readString(doc);
        String expected = MetricReference.markdown(Repo.root(), ExportedMetrics.read(Repo.root()));
        if (Boolean.getBoolean("omnistream.regenerate")) {
            Files.writeString(doc, MetricReference.replaceBlock(text, expected));
            text = Files.readString(doc);
        }
        assertThat(MetricReference.block(text))
                .as("docs/metrics.md is stale; regenerate: mvn -pl monitoring test -Dtest=MetricReferenceTest "
                        + "-Domnistream.regenerate=true")
                .isEqualTo(expected);
    }

    @Test
    void everyMetricHasItsHelpText() {
        ExportedMetrics metrics = ExportedMetrics.read(Repo.root());
        assertThat(metrics.registrations()).isNotEmpty()
                .allSatisfy(r -> assertThat(MetricReference.help(Repo.root(), r)).as(r.where()).isNotBlank());
    }

    @Test
    void helpIsReadFromChainsAndHelperCalls() {
        // the two registration styles the reader accepts, from the real sources
        ExportedMetrics metrics = ExportedMetrics.read(Repo.root());
        var quality = metrics.registrations().stream().filter(r -> r.name().equals("omnistream_retrieval_quality"))
                .findFirst().orElseThrow();
        assertThat(MetricReference.help(Repo.root(), quality)).startsWith("Retrieval quality of the newest epoch");
        var ingest = metrics.registrations().stream().filter(r -> r.where().startsWith("ingest/")).findFirst().orElseThrow();
        assertThat(MetricReference.help(Repo.root(), ingest)).isNotBlank().doesNotContain("\"");
        assertThat(MetricReference.module(quality.where())).isEqualTo("quality-service");
    }
}
