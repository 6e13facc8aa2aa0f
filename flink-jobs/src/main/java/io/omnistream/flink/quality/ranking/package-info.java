/**
 * Exact ranking of one query against its candidates, the hot path of the retrieval-quality job's exact path: a
 * contiguous {@link io.omnistream.flink.quality.ranking.CandidatePool}, a blocked float screening pass with a proven
 * rounding bound and an exact double rescoring of the few candidates near the k-th score
 * ({@link io.omnistream.flink.quality.ranking.TopKRanker}). Plain Java, no Flink types: the operator and the
 * {@code bench ranking} benchmark call the same code.
 */
package io.omnistream.flink.quality.ranking;
