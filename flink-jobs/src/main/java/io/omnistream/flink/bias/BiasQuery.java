package io.omnistream.flink.bias;

import io.omnistream.flink.quality.metrics.RankedList;
import io.omnistream.flink.quality.metrics.ScoredCandidate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One query of a mixed-modality retrieval task, as the bias metrics see it: the candidate pool holds every modality
 * version of every item, the instruction names the target modality, and the gold targets are the item in that
 * modality. Immutable input value (not kept in state: {@link ModalityBiasAccumulator} keeps only counters and, for
 * instruction pairing, a compact pending entry).
 *
 * <p><b>Ranking.</b> {@link #results()} is the retrieved top list in rank order. The builder accepts results in any
 * order and sorts them with the quality job's rule, {@link RankedList#RANK_ORDER} (score descending, ties by candidate
 * id descending by code point), so that ties break exactly as in the retrieval-quality metrics. Only the first 10
 * results are used by any metric; a longer list is accepted and its tail ignored.
 *
 * <p><b>Gold.</b> Gold ids come with their modality ({@code id -> modality}), because the query-modality bias needs
 * the modality of gold items that were not retrieved. A gold id that also appears among the results must have the
 * same modality there.
 *
 * <p><b>Instruction.</b> {@link #targetModality()} is the modality the task's instruction asks for, or {@code null} if
 * the task names none; {@link #instructionApplied()} says whether the instruction text was part of the query input
 * when it was embedded (the same query may be emitted both ways for the instruction ablation; both emissions carry the
 * same {@code queryId} and target modality). {@link #queryVector()} is the query's embedding, needed only for
 * {@link BiasMetricNames#INSTRUCTION_SHIFT_COSINE}; it may be null.
 */
public final class BiasQuery {

    private final String queryId;
    private final String queryModality;
    private final String targetModality;
    private final boolean instructionApplied;
    private final Map<String, String> gold;
    private final List<RankedResult> results;
    private final float[] queryVector;

    private BiasQuery(Builder b, List<RankedResult> ranked) {
        this.queryId = b.queryId;
        this.queryModality = b.queryModality;
        this.targetModality = b.targetModality;
        this.instructionApplied = b.instructionApplied;
        this.gold = Collections.unmodifiableMap(new TreeMap<>(b.gold));
        this.results = List.copyOf(ranked);
        this.queryVector = b.queryVector == null ? null : b.queryVector.clone();
    }

    /**
     * Starts a query.
     *
     * @param queryId       query id; not blank. The instruction ablation pairs the two emissions of a query by it
     * @param queryModality modality of the query content, one of {@link Modalities#ALL}
     */
    public static Builder builder(String queryId, String queryModality) {
        return new Builder(queryId, queryModality);
    }

    public String queryId() {
        return queryId;
    }

    public String queryModality() {
        return queryModality;
    }

    /** The instructed target modality; null if the task's instruction names none. */
    public String targetModality() {
        return targetModality;
    }

    public boolean instructionApplied() {
        return instructionApplied;
    }

    /** Gold candidate id to its modality, sorted by id; unmodifiable. */
    public Map<String, String> gold() {
        return gold;
    }

    /** Retrieved candidates in rank order (rank 1 first); unmodifiable. */
    public List<RankedResult> results() {
        return results;
    }

    /** The query embedding (a copy), or null if none was given. */
    public float[] queryVector() {
        return queryVector == null ? null : queryVector.clone();
    }

    /** The query embedding without copying; callers must not modify it. */
    float[] queryVectorUnsafe() {
        return queryVector;
    }

    /** Whether the top-1 result is a gold item; false when there are no results. */
    public boolean top1IsGold() {
        return !results.isEmpty() && gold.containsKey(results.get(0).candidateId());
    }

    /** Whether the top-1 result has the target modality; false when there are no results or no target modality. */
    public boolean top1HasTargetModality() {
        return targetModality != null && !results.isEmpty() && results.get(0).modality().equals(targetModality);
    }

    @Override
    public String toString() {
        return "BiasQuery{" + queryId + ", " + queryModality + "->" + targetModality + ", instruction="
                + instructionApplied + ", gold=" + gold + ", results=" + results + ", vector="
                + (queryVector == null ? "none" : queryVector.length + "d") + '}';
    }

    /** Collects the fields of a {@link BiasQuery}; {@link #build()} validates and ranks. */
    public static final class Builder {
        private final String queryId;
        private final String queryModality;
        private String targetModality;
        private boolean instructionApplied = true;
        private final Map<String, String> gold = new HashMap<>();
        private final List<RankedResult> results = new ArrayList<>();
        private float[] queryVector;

        private Builder(String queryId, String queryModality) {
            Objects.requireNonNull(queryId, "queryId");
            if (queryId.isBlank()) {
                throw new IllegalArgumentException("query id must not be blank");
            }
            this.queryId = queryId;
            this.queryModality = Modalities.require(queryModality, "query modality");
        }

        /** The instructed target modality (null: the instruction names none). Default null. */
        public Builder targetModality(String modality) {
            this.targetModality = modality == null ? null : Modalities.require(modality, "target modality");
            return this;
        }

        /** Whether the instruction was part of the embedded query input. Default true. */
        public Builder instructionApplied(boolean applied) {
            this.instructionApplied = applied;
            return this;
        }

        /**
         * Adds a gold (relevant) candidate. Adding the same id twice with the same modality is one gold item.
         *
         * @throws IllegalArgumentException if the id was already added with another modality
         */
        public Builder gold(String candidateId, String modality) {
            Objects.requireNonNull(candidateId, "gold candidate id");
            if (candidateId.isBlank()) {
                throw new IllegalArgumentException("gold candidate id must not be blank");
            }
            Modalities.require(modality, "modality of gold '" + candidateId + "'");
            String before = gold.putIfAbsent(candidateId, modality);
            if (before != null && !before.equals(modality)) {
                throw new IllegalArgumentException(
                        "gold '" + candidateId + "' given with modalities " + before + " and " + modality);
            }
            return this;
        }

        /** Adds a retrieved candidate; order of calls does not matter. */
        public Builder result(String candidateId, String modality, double score) {
            results.add(new RankedResult(candidateId, modality, score));
            return this;
        }

        /** Adds a retrieved candidate; order of calls does not matter. */
        public Builder result(RankedResult result) {
            results.add(Objects.requireNonNull(result, "result"));
            return this;
        }

        /** The query embedding (copied); null for none. Finite values only. */
        public Builder queryVector(float[] vector) {
            if (vector != null) {
                if (vector.length == 0) {
                    throw new IllegalArgumentException("query vector of '" + queryId + "' is empty");
                }
                for (float v : vector) {
                    if (!Float.isFinite(v)) {
                        throw new IllegalArgumentException("query vector of '" + queryId + "' is not finite: "
                                + Arrays.toString(vector));
                    }
                }
            }
            this.queryVector = vector == null ? null : vector.clone();
            return this;
        }

        /**
         * @throws IllegalArgumentException on a duplicate result id, or a gold id whose result has another modality
         */
        public BiasQuery build() {
            Map<String, RankedResult> byId = new HashMap<>(results.size() * 2);
            List<ScoredCandidate> scored = new ArrayList<>(results.size());
            for (RankedResult r : results) {
                if (byId.putIfAbsent(r.candidateId(), r) != null) {
                    throw new IllegalArgumentException(
                            "duplicate candidate id '" + r.candidateId() + "' in results of '" + queryId + "'");
                }
                String goldModality = gold.get(r.candidateId());
                if (goldModality != null && !goldModality.equals(r.modality())) {
                    throw new IllegalArgumentException("gold '" + r.candidateId() + "' has modality " + goldModality
                            + " but is retrieved as " + r.modality());
                }
                scored.add(new ScoredCandidate(r.candidateId(), r.score()));
            }
            // The quality job's ranking rule, so that ties break identically in both jobs.
            List<RankedResult> ranked = new ArrayList<>(results.size());
            for (ScoredCandidate c : RankedList.of(scored).candidates()) {
                ranked.add(byId.get(c.id()));
            }
            return new BiasQuery(this, ranked);
        }
    }
}
