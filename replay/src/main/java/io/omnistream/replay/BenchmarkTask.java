package io.omnistream.replay;

import io.omnistream.schemas.avro.Modality;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * One benchmark task: its MMEB/BEIR classification, the modality pair, instructions, the metric it is judged by, the
 * ranking scope, and access to its items.
 *
 * @param queryModality        the task's declared query modality (individual queries may differ, e.g. TEXT
 *                             fallback of an image task with a missing image; see {@link BenchQuery#modality()})
 * @param targetModality       the task's declared target modality
 * @param queryInstruction     default query instruction (MMEB records may carry their own)
 * @param candidateInstruction instruction applied to every candidate; null for none (BGE embeds passages bare)
 * @param primaryMetric        "hit@1", "ndcg@5" (VisDoc) or "ndcg@10" (BEIR)
 */
public record BenchmarkTask(String id, MetaTask metaTask, Modality queryModality, Modality targetModality,
                            String queryInstruction, String candidateInstruction, String primaryMetric,
                            RankingScope scope, TaskItems items) {
    public BenchmarkTask {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(metaTask, "metaTask");
        Objects.requireNonNull(queryModality, "queryModality");
        Objects.requireNonNull(targetModality, "targetModality");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(items, "items");
        if (primaryMetric == null) {
            primaryMetric = metaTask.defaultPrimaryMetric();
        }
    }

    /** Streams every candidate once; close the stream (try-with-resources). */
    public Stream<BenchItem> candidates() {
        try {
            return items.candidates();
        } catch (IOException e) {
            throw new UncheckedIOException("task " + id + ": cannot read candidates", e);
        }
    }

    /** The evaluation queries with their gold judgments (and own candidate lists for LOCAL scope). */
    public List<BenchQuery> queries() {
        try {
            return items.queries();
        } catch (IOException e) {
            throw new UncheckedIOException("task " + id + ": cannot read queries", e);
        }
    }

    /** Number of distinct candidates (the pool size for GLOBAL ranking); streams the candidates, reads no media. */
    public long candidatePoolSize() {
        try (Stream<BenchItem> s = candidates()) {
            return s.count();
        }
    }
}
