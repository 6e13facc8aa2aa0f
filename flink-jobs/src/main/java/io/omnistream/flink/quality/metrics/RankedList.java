package io.omnistream.flink.quality.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The candidates of one query in rank order (rank 1 = most similar). Immutable.
 *
 * <p><b>Order.</b> Built from unsorted {@code (id, score)} pairs and sorted by {@link #RANK_ORDER}: score descending,
 * then candidate id <em>descending</em> by Unicode code point (equivalently by the UTF-8 bytes). This is trec_eval's
 * {@code comp_sim_docno} ({@code form_res_rels.c}, usnistgov/trec_eval:
 * {@code strcmp(ptr2->docno, ptr1->docno)}, note the swapped arguments), which pytrec_eval, BEIR and MTEB inherit.
 * VLM2Vec ({@code eval.py}) ranks with {@code np.argsort(-scores)}, whose order among equal scores is unspecified,
 * so it gives no rule to match. We want a rule that (a) does not depend on the order in which candidates arrive
 * (stream, Milvus shard and Flink merge orders vary between replays), so a replay gives the same metrics, and (b)
 * agrees with the reference tool the published BEIR/MTEB numbers come from, so ties cannot make a parity check
 * disagree at the cutoff.
 *
 * <p><b>Duplicates.</b> A candidate id may occur once; a duplicate is a bug upstream (a candidate scored twice) and is
 * rejected with {@link IllegalArgumentException} rather than silently kept or dropped.
 */
public final class RankedList {

    /** Score descending, then id descending by code point (trec_eval's tie rule). */
    public static final Comparator<ScoredCandidate> RANK_ORDER = (a, b) -> {
        int byScore = Double.compare(b.score(), a.score());
        return byScore != 0 ? byScore : compareCodePoints(b.id(), a.id());
    };

    private static final RankedList EMPTY = new RankedList(List.of());

    private final List<ScoredCandidate> ranked;

    private RankedList(List<ScoredCandidate> ranked) {
        this.ranked = ranked;
    }

    /**
     * Ranks the given candidates; their order in {@code candidates} does not matter.
     *
     * @throws IllegalArgumentException if a candidate id occurs more than once
     */
    public static RankedList of(Collection<ScoredCandidate> candidates) {
        Objects.requireNonNull(candidates, "candidates");
        Set<String> seen = new HashSet<>(candidates.size() * 2);
        List<ScoredCandidate> sorted = new ArrayList<>(candidates.size());
        for (ScoredCandidate candidate : candidates) {
            Objects.requireNonNull(candidate, "candidate");
            if (!seen.add(candidate.id())) {
                throw new IllegalArgumentException("duplicate candidate id '" + candidate.id() + "' in ranking");
            }
            sorted.add(candidate);
        }
        sorted.sort(RANK_ORDER);
        return new RankedList(List.copyOf(sorted));
    }

    /** A ranking without candidates (every metric of it is 0, except recall when nothing is relevant). */
    public static RankedList empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Number of candidates. */
    public int size() {
        return ranked.size();
    }

    /** Candidates in rank order; unmodifiable. */
    public List<ScoredCandidate> candidates() {
        return ranked;
    }

    /**
     * The first {@code min(k, size())} ranks, in the same order (already sorted: no re-sort, no copy of the rest).
     *
     * @throws IllegalArgumentException if {@code k < 0}
     */
    public RankedList head(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        return k >= ranked.size() ? this : new RankedList(List.copyOf(ranked.subList(0, k)));
    }

    /** Candidate ids in rank order; a new unmodifiable list. */
    public List<String> ids() {
        return ranked.stream().map(ScoredCandidate::id).toList();
    }

    /**
     * The candidate id at a 1-based rank.
     *
     * @throws IndexOutOfBoundsException unless {@code 1 <= rank <= size()}
     */
    public String idAt(int rank) {
        return ranked.get(rank - 1).id();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RankedList that && ranked.equals(that.ranked);
    }

    @Override
    public int hashCode() {
        return ranked.hashCode();
    }

    @Override
    public String toString() {
        return "RankedList" + ranked;
    }

    /** Compares by Unicode code point, which equals C's strcmp on UTF-8 bytes (String.compareTo uses UTF-16 units). */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** Collects {@code (id, score)} pairs in any order; {@link #build()} sorts and checks them. */
    public static final class Builder {
        private final List<ScoredCandidate> candidates = new ArrayList<>();

        private Builder() {
        }

        /** Adds a candidate; validation of id and score is immediate, the duplicate check happens in build(). */
        public Builder add(String id, double score) {
            candidates.add(new ScoredCandidate(id, score));
            return this;
        }

        /** @throws IllegalArgumentException if a candidate id was added more than once */
        public RankedList build() {
            return RankedList.of(candidates);
        }
    }
}
