package io.omnistream.replay;

import io.omnistream.schemas.avro.Modality;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One query of a benchmark task.
 *
 * @param instruction  the instruction to apply to this query (record-level for MMEB, the task's otherwise); may be null
 * @param gold         judged candidates in file order, graded; BEIR relevance-0 judgments are kept (see {@link GoldCandidate})
 * @param candidateIds the query's own candidate list for {@link RankingScope#LOCAL} ranking (gold first for MMEB);
 *                     null for {@link RankingScope#GLOBAL} (the task's whole pool)
 */
public record BenchQuery(String itemId, Modality modality, String text, Path mediaPath, String instruction,
                         List<GoldCandidate> gold, List<String> candidateIds) {
    public BenchQuery {
        Objects.requireNonNull(itemId, "itemId");
        Objects.requireNonNull(modality, "modality");
        gold = List.copyOf(gold);
        candidateIds = candidateIds == null ? null : List.copyOf(candidateIds);
    }

    /** Gold candidates with relevance > 0. */
    public List<GoldCandidate> relevant() {
        return gold.stream().filter(GoldCandidate::relevant).toList();
    }
}
