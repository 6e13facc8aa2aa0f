package io.omnistream.schemas.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.schemas.avro.DriftAlert;
import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.avro.FailedEvent;
import io.omnistream.schemas.avro.Judgment;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.RetrievalMetric;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every topic schema must stay BACKWARD compatible (new readers read old data) with every version of it ever
 * committed to this repository. Previous versions are read from git history; the check is the Confluent client's own
 * {@code AvroSchema.isBackwardCompatible}, the same rule a registry with compatibility BACKWARD enforces.
 */
class BackwardCompatibilityTest {
    /** Shared named types first: a revision's records reference them by full name. */
    private static final List<String> PARSE_ORDER = List.of("Modality", "BenchmarkMarker", "MediaEvent",
            "EmbeddingEvent", "FailedEvent", "Judgment", "RetrievalMetric", "DriftAlert");
    private static final Map<String, Schema> CURRENT = Map.of(
            "MediaEvent", MediaEvent.getClassSchema(),
            "EmbeddingEvent", EmbeddingEvent.getClassSchema(),
            "FailedEvent", FailedEvent.getClassSchema(),
            "Judgment", Judgment.getClassSchema(),
            "RetrievalMetric", RetrievalMetric.getClassSchema(),
            "DriftAlert", DriftAlert.getClassSchema());

    @Test
    void everyTopicSchemaReadsEveryCommittedPreviousVersion() throws Exception {
        Path repo = Path.of(System.getProperty("omnistream.repo.dir", "..")).toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isDirectory(repo.resolve(".git")),
                "not a git checkout (source archive): no committed history to compare against");

        List<String> revisions = git(repo, "log", "--format=%H", "--", "schemas/src/main/avro");
        int compared = 0;
        List<String> failures = new ArrayList<>();
        for (String revision : revisions) {
            Map<String, Schema> old = schemasAt(repo, revision);
            for (var entry : CURRENT.entrySet()) {
                Schema previous = old.get(entry.getKey());
                if (previous == null) {
                    continue; // the schema did not exist yet at that revision
                }
                List<String> problems = new AvroSchema(entry.getValue().toString())
                        .isBackwardCompatible(new AvroSchema(previous.toString()));
                compared++;
                if (!problems.isEmpty()) {
                    failures.add(entry.getKey() + " vs " + revision.substring(0, 8) + ": " + problems);
                }
            }
        }
        assertThat(revisions).as("committed revisions of schemas/").isNotEmpty();
        assertThat(compared).isPositive();
        assertThat(failures).as("BACKWARD-incompatible schema changes").isEmpty();
    }

    /** Guards the guard: the same check must reject a typical breaking change. */
    @Test
    void theCheckRejectsANewRequiredFieldWithoutDefault() {
        String current = MediaEvent.getClassSchema().toString();
        String broken = current.replaceFirst("\"fields\":\\[",
                "\"fields\":[{\"name\":\"mandatoryNewField\",\"type\":\"string\"},");
        assertThat(new AvroSchema(broken).isBackwardCompatible(new AvroSchema(current))).isNotEmpty();
        assertThat(new AvroSchema(current).isBackwardCompatible(new AvroSchema(current))).isEmpty();
    }

    private static Map<String, Schema> schemasAt(Path repo, String revision) throws Exception {
        Schema.Parser parser = new Schema.Parser();
        Map<String, Schema> parsed = new LinkedHashMap<>();
        for (String name : PARSE_ORDER) {
            String path = "schemas/src/main/avro/" + name + ".avsc";
            if (git(repo, "ls-tree", "--name-only", revision, path).isEmpty()) {
                continue;
            }
            String text = String.join("\n", git(repo, "show", revision + ":" + path));
            parsed.put(name, parser.parse(text));
        }
        return parsed;
    }

    private static List<String> git(Path repo, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + output);
        }
        return output.isBlank() ? List.of() : List.of(output.strip().split("\n"));
    }
}
