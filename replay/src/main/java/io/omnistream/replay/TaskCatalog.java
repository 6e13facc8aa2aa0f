package io.omnistream.replay;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.schemas.avro.Modality;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark tasks declared in a task-definition file: JSON (Jackson; YAML would need a dependency ingest does not
 * have) of the form {@code {"tasks": [TaskDefinition, ...]}}. {@link #builtIn()} is the shipped
 * {@code io/omnistream/replay/tasks.json}: scifact, dbpedia, coco-i2t, coco-t2i, tux-i2t, tux-t2i.
 *
 * <p>{@link #open} turns a definition into a {@link BenchmarkTask}: paths resolve against the data root (the shared
 * data folder, e.g. {@code ../shared/data}); a generated mmeb task is (re)written with {@link MmebConverter} into the
 * generated-task directory every time it is opened (deterministic and cheap, so the file can never be stale; written
 * atomically) and then read with {@link MmebTaskReader}. The data folder itself is never written.
 */
public final class TaskCatalog {
    public static final String BUILT_IN = "/io/omnistream/replay/tasks.json";

    private final Map<String, TaskDefinition> byId;

    private TaskCatalog(List<TaskDefinition> definitions) {
        Map<String, TaskDefinition> m = new LinkedHashMap<>();
        for (TaskDefinition d : definitions) {
            validate(d);
            if (m.put(d.id(), d) != null) {
                throw new IllegalArgumentException("task '" + d.id() + "' is defined twice");
            }
        }
        byId = Collections.unmodifiableMap(m);
    }

    public static TaskCatalog builtIn() {
        try (InputStream in = TaskCatalog.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException("resource " + BUILT_IN + " missing from the classpath");
            }
            return read(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + BUILT_IN, e);
        }
    }

    public static TaskCatalog read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    public static TaskCatalog read(InputStream in) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        JsonNode root = json.readTree(in);
        List<TaskDefinition> defs = new ArrayList<>();
        for (JsonNode n : root.path("tasks")) {
            defs.add(json.treeToValue(n, TaskDefinition.class));
        }
        return new TaskCatalog(defs);
    }

    public List<TaskDefinition> definitions() {
        return List.copyOf(byId.values());
    }

    public TaskDefinition get(String id) {
        TaskDefinition d = byId.get(id);
        if (d == null) {
            throw new IllegalArgumentException("no benchmark task '" + id + "'; known: " + byId.keySet());
        }
        return d;
    }

    /**
     * @param dataRoot     the shared data folder (e.g. {@code ../shared/data})
     * @param generatedDir where generated mmeb JSONL files are written (e.g. a work or cache directory)
     */
    public BenchmarkTask open(String id, Path dataRoot, Path generatedDir) throws IOException {
        TaskDefinition d = get(id);
        MetaTask meta = MetaTask.parse(d.metaTask());
        Modality qm = modality(d.queryModality(), "queryModality", d);
        Modality tm = modality(d.targetModality(), "targetModality", d);
        RankingScope scope = d.scope() == null ? RankingScope.GLOBAL
                : RankingScope.valueOf(d.scope().toUpperCase(Locale.ROOT));
        String metric = d.primaryMetric() == null ? meta.defaultPrimaryMetric() : d.primaryMetric();
        String split = d.split() == null ? "test" : d.split();
        Path imageRoot = dataRoot.resolve(d.imageRoot() == null ? "." : d.imageRoot()).normalize();
        BenchmarkTask task = switch (d.format()) {
            case "scifact" -> RetrievalTaskReader.scifact(d.id(), dataRoot.resolve(d.path()), d.queryInstruction());
            case "beir" -> RetrievalTaskReader.beirLayout(d.id(), dataRoot.resolve(d.path()), split, meta,
                    qm == null ? Modality.TEXT : qm, tm == null ? Modality.TEXT : tm, d.queryInstruction(),
                    d.candidateInstruction(), metric, d.imageRoot() == null ? null : imageRoot);
            case "mmeb" -> {
                Path jsonl;
                if (d.generate() != null) {
                    TaskDefinition.Generate g = d.generate();
                    jsonl = generatedDir.resolve(d.path());
                    MmebConverter.write(MmebConverter.pairs(g.source(), dataRoot),
                            new MmebConverter.Spec(MmebConverter.Direction.valueOf(g.direction().toUpperCase(Locale.ROOT)),
                                    d.queryInstruction(), g.targetInstruction(), g.distractors(), g.seed()), jsonl);
                } else {
                    jsonl = dataRoot.resolve(d.path());
                }
                yield MmebTaskReader.read(d.id(), jsonl, imageRoot, meta, scope, qm, tm, d.queryInstruction(),
                        d.candidateInstruction(), metric);
            }
            default -> throw new IllegalArgumentException("task " + d.id() + ": unknown format " + d.format());
        };
        if (task.scope() != scope) {
            throw new IllegalArgumentException("task " + d.id() + ": format " + d.format() + " supports scope "
                    + task.scope() + " only, definition says " + scope);
        }
        return task;
    }

    private static Modality modality(String name, String field, TaskDefinition d) {
        if (name == null) {
            return null;
        }
        try {
            return Modality.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("task " + d.id() + ": " + field + " '" + name + "' is not a modality");
        }
    }

    private static void validate(TaskDefinition d) {
        if (d.id() == null || d.id().isBlank() || d.format() == null || d.path() == null || d.metaTask() == null) {
            throw new IllegalArgumentException("task definition needs id, format, path and metaTask: " + d);
        }
        if (!d.id().matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("task id '" + d.id() + "' may use only letters, digits, '.', '_', '-'");
        }
        MetaTask.parse(d.metaTask());
        if (d.generate() != null && !"mmeb".equals(d.format())) {
            throw new IllegalArgumentException("task " + d.id() + ": generate is only for format mmeb");
        }
    }
}
