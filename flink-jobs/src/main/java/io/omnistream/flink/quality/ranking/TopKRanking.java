package io.omnistream.flink.quality.ranking;

import io.omnistream.flink.quality.metrics.RankedList;
import java.util.Objects;

/**
 * The first {@code k} ranks of a ranking over {@code candidateCount} candidates.
 *
 * <p>Every per-query metric is cut at a rank {@code <= 10} ({@link io.omnistream.flink.quality.metrics.MetricName#k()};
 * recall's denominator and NDCG's ideal come from the judgments, not from the list), so
 * {@code QueryMetrics.compute(top, judgments)} equals {@code QueryMetrics.compute(full ranking, judgments)} whenever
 * {@code top} holds at least {@code min(10, candidateCount)} ranks: no rank beyond the head is ever needed.
 *
 * @param top            ranks 1..min(k, candidateCount) in {@link RankedList#RANK_ORDER}, exact scores
 * @param candidateCount candidates that were ranked (the full list's length)
 */
public record TopKRanking(RankedList top, int candidateCount) {
    public TopKRanking {
        Objects.requireNonNull(top, "top");
        if (candidateCount < top.size()) {
            throw new IllegalArgumentException("candidateCount " + candidateCount + " < head size " + top.size());
        }
    }
}
