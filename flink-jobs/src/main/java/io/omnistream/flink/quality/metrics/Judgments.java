package io.omnistream.flink.quality.metrics;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Graded relevance of candidates for one query (the {@code gold} of a {@code Judgment} event). Immutable.
 *
 * <p>Grades are integers in {@code [0, MAX_RELEVANCE]}; a grade &gt; 0 means relevant, 0 means judged non-relevant,
 * and an id that is not judged counts as grade 0 (non-relevant), as in trec_eval and VLM2Vec. Negative grades (some
 * TREC collections use -1 for spam) are rejected rather than guessed at.
 */
public final class Judgments {

    /** Largest accepted grade: keeps the exponential gain {@code 2^grade - 1} finite in a double. */
    public static final int MAX_RELEVANCE = 1000;

    private static final Judgments NONE = new Judgments(new TreeMap<>());

    private final Map<String, Integer> grades;
    /** Grades of the relevant items, descending: the ideal ranking for NDCG. */
    private final int[] idealGrades;

    private Judgments(TreeMap<String, Integer> grades) {
        this.grades = Collections.unmodifiableMap(grades);
        this.idealGrades = grades.values().stream().filter(g -> g > 0).sorted((a, b) -> Integer.compare(b, a))
                .mapToInt(Integer::intValue).toArray();
    }

    /**
     * Graded judgments.
     *
     * @param grades candidate id to grade; ids not blank, grades in {@code [0, MAX_RELEVANCE]}
     * @throws IllegalArgumentException on a blank id or a grade out of range
     */
    public static Judgments of(Map<String, Integer> grades) {
        Objects.requireNonNull(grades, "grades");
        TreeMap<String, Integer> copy = new TreeMap<>();
        grades.forEach((id, grade) -> {
            Objects.requireNonNull(id, "candidate id");
            Objects.requireNonNull(grade, "grade of " + id);
            if (id.isBlank()) {
                throw new IllegalArgumentException("candidate id must not be blank");
            }
            if (grade < 0 || grade > MAX_RELEVANCE) {
                throw new IllegalArgumentException(
                        "grade of '" + id + "' is " + grade + ", expected 0.." + MAX_RELEVANCE);
            }
            copy.put(id, grade);
        });
        return new Judgments(copy);
    }

    /**
     * Binary judgments: every id gets grade 1. Set semantics: an id listed twice is one relevant item (VLM2Vec
     * also de-duplicates labels with {@code set()}).
     */
    public static Judgments binary(Collection<String> relevantIds) {
        Objects.requireNonNull(relevantIds, "relevantIds");
        TreeMap<String, Integer> grades = new TreeMap<>();
        for (String id : relevantIds) {
            grades.put(id, 1);
        }
        return of(grades);
    }

    /** No judged items: the query has nothing relevant. */
    public static Judgments none() {
        return NONE;
    }

    /** The grade of a candidate; 0 if it is not judged. */
    public int relevance(String candidateId) {
        return grades.getOrDefault(candidateId, 0);
    }

    /** Whether the candidate's grade is &gt; 0. */
    public boolean isRelevant(String candidateId) {
        return relevance(candidateId) > 0;
    }

    /** Number of relevant items (grade &gt; 0), whether or not they appear in a ranking. */
    public int relevantCount() {
        return idealGrades.length;
    }

    /** Whether at least one item has grade &gt; 0. */
    public boolean hasRelevant() {
        return idealGrades.length > 0;
    }

    /** All judged ids with their grades (grade-0 entries included), sorted by id; unmodifiable. */
    public Map<String, Integer> grades() {
        return grades;
    }

    /** The i-th largest grade among relevant items, {@code 0 <= i < relevantCount()}. */
    int idealGrade(int i) {
        return idealGrades[i];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Judgments that && grades.equals(that.grades);
    }

    @Override
    public int hashCode() {
        return grades.hashCode();
    }

    @Override
    public String toString() {
        return "Judgments" + grades;
    }
}
