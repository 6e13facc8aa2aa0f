package io.omnistream.flink.bias;

import java.util.List;

/**
 * The modality-bias metric names (the {@code metric} of {@link BiasMetricRow} and of the {@code RetrievalMetric}
 * records the job emits) and their exact definitions. Background: research notes §3 (MMEB-V3 modality bias).
 *
 * <h2>Populations</h2>
 * <ul>
 *   <li><b>Served queries</b>: queries emitted in the served instruction condition of the accumulator
 *       ({@code instructionApplied == ModalityBiasAccumulator.servedWithInstruction}, true by default). All metrics
 *       except the two {@code instruction_*} ones are computed over served queries only, so that the ablation copies
 *       of the instruction experiment do not mix into them.</li>
 *   <li><b>Top-k</b> of a query is its first {@code min(k, r)} results, {@code r} = number of results. A query with
 *       no results has no top-k: it is left out of the share and bias metrics, and counts as a miss (0) in the
 *       top-1 metrics ({@code target_modality_accuracy}, {@code hit@1}).</li>
 *   <li>Metrics keyed by a target modality use only queries whose {@code targetModality} is not null.</li>
 * </ul>
 * Rows with a null modality aggregate over all query modalities (the headline of the metric). Every value is a mean
 * over the samples named by its {@code count}; rows are emitted only for {@code count >= 1}.
 */
public final class BiasMetricNames {

    /**
     * Share of served queries with a target modality whose top-1 result has the target modality (whether or not it
     * is the gold item); a query without results counts 0. Rows: {@code (Q, T)} over the queries of query modality
     * {@code Q} and target modality {@code T}, and {@code (null, null)} over all of them. Count: queries.
     */
    public static final String TARGET_MODALITY_ACCURACY = "target_modality_accuracy";

    /**
     * Modality share of the top 1 result; see {@link #TOPK_SHARE_AT_10} for the definition with {@code k = 1}.
     */
    public static final String TOPK_SHARE_AT_1 = "topk_share@1";

    /** Modality share of the top 5; see {@link #TOPK_SHARE_AT_10} with {@code k = 5}. */
    public static final String TOPK_SHARE_AT_5 = "topk_share@5";

    /**
     * Modality share of the top {@code k} (here 10): for a query, {@code share(R) = |{results in top-k with modality
     * R}| / min(k, r)}, so the shares of one query sum to 1. Row {@code (Q, R)} is the mean of {@code share(R)} over
     * the served queries of query modality {@code Q} that have at least one result, for every result modality
     * {@code R} that occurs in the top 10 of any served query of the accumulator (so a row of the matrix sums to 1
     * over its {@code R}s). Count: queries of {@code Q}.
     */
    public static final String TOPK_SHARE_AT_10 = "topk_share@10";

    /** Query-modality bias at 1; see {@link #QUERY_MODALITY_BIAS_AT_10} with {@code k = 1}. */
    public static final String QUERY_MODALITY_BIAS_AT_1 = "query_modality_bias@1";

    /** Query-modality bias at 5; see {@link #QUERY_MODALITY_BIAS_AT_10} with {@code k = 5}. */
    public static final String QUERY_MODALITY_BIAS_AT_5 = "query_modality_bias@5";

    /**
     * Query-modality bias at {@code k} (here 10). For a served query of modality {@code Q} with at least one result
     * and at least one gold item: {@code bias = own - gold}, where {@code own = |{results in top-k with modality Q}| /
     * min(k, r)} and {@code gold = |{gold ids with modality Q}| / |{gold ids}|} (every gold id counts, retrieved or
     * not; {@code k} does not enter the gold share). Positive: results share the query's modality more than the gold
     * targets do. In {@code [-1, 1]}. Rows: {@code (Q, null)}, mean over the queries of {@code Q}, and
     * {@code (null, null)}, mean over all such queries. Count: queries.
     */
    public static final String QUERY_MODALITY_BIAS_AT_10 = "query_modality_bias@10";

    /**
     * Hit@1 per modality pair: share of served queries of query modality {@code Q} and target modality {@code T}
     * whose top-1 result is a gold item (0 without results). Row {@code (Q, T)}. Count: queries.
     */
    public static final String HIT_AT_1 = "hit@1";

    /**
     * Cross-modal asymmetry: {@code hit@1(A -> B) - hit@1(B -> A)} for two different modalities {@code A}, {@code B}
     * that both have {@link #HIT_AT_1} rows ({@code (A, B)} and {@code (B, A)}). One row per unordered pair, with
     * {@code A} before {@code B} in {@link Modalities#ALL} order (the {@code (B, A)} value is the negation). Count:
     * queries of both directions together.
     */
    public static final String ASYMMETRY_HIT_AT_1 = "asymmetry_hit@1";

    /**
     * Instruction effect on target-modality accuracy: over the query pairs formed by a query emitted with and
     * without its instruction (same query id, a target modality), the mean of {@code top1HasTarget(with) -
     * top1HasTarget(without)} (each 1 or 0), i.e. target-modality accuracy with minus without, on the same queries.
     * In {@code [-1, 1]}; positive means the instruction steers to the target modality. Rows {@code (Q, T)} and
     * {@code (null, null)}. Count: pairs.
     */
    public static final String INSTRUCTION_EFFECT_ACCURACY = "instruction_effect_accuracy";

    /**
     * Mean cosine between the instruction-induced shift of a query vector, {@code v_with - v_without}, and the
     * direction from the query modality's centroid to the target modality's centroid, {@code c_T - c_Q} (centroids of
     * the {@link ModalityCentroids} given to {@code results}, at result time). Over the pairs of
     * {@link #INSTRUCTION_EFFECT_ACCURACY} where both emissions carried a query vector; a pair whose shift is exactly
     * zero contributes 0 (the instruction moved nothing). No row when {@code Q == T} or a centroid is missing (the
     * direction is undefined). Rows {@code (Q, T)} and {@code (null, null)}. Count: pairs with vectors.
     */
    public static final String INSTRUCTION_SHIFT_COSINE = "instruction_shift_cosine";

    /**
     * Modality gap: Euclidean (L2) distance between the centroids (mean vectors) of modalities {@code A} and
     * {@code B}, {@code A} before {@code B} in {@link Modalities#ALL} order. Row {@code (A, B)}. Count: vectors of
     * both modalities.
     */
    public static final String MODALITY_GAP_CENTROID_DISTANCE = "modality_gap_centroid_distance";

    /**
     * Modality gap as cosine distance {@code 1 - cos(c_A, c_B)} between the centroids of {@code A} and {@code B};
     * in {@code [0, 2]}. No row if a centroid is the zero vector. Row {@code (A, B)}, count as
     * {@link #MODALITY_GAP_CENTROID_DISTANCE}.
     */
    public static final String MODALITY_GAP_CENTROID_COSINE_DISTANCE = "modality_gap_centroid_cosine_distance";

    /**
     * Mean cosine similarity over all pairs of distinct vectors of modality {@code A} (unit vectors), computed
     * exactly from the running sums as {@code (|S_A|^2 - n_A) / (n_A (n_A - 1))}; needs {@code n_A >= 2}. Row
     * {@code (A, A)}. Count: vectors of {@code A}. See {@link ModalityCentroids}.
     */
    public static final String WITHIN_MODALITY_COSINE = "within_modality_cosine";

    /**
     * Mean cosine similarity over all pairs (one vector of {@code A}, one of {@code B}), {@code S_A . S_B / (n_A
     * n_B)}, for {@code A} before {@code B} in {@link Modalities#ALL} order. Row {@code (A, B)}. Count: vectors of
     * both modalities.
     */
    public static final String CROSS_MODALITY_COSINE = "cross_modality_cosine";

    /** Every name, in the order rows are emitted. */
    public static final List<String> ALL = List.of(
            TARGET_MODALITY_ACCURACY,
            TOPK_SHARE_AT_1, TOPK_SHARE_AT_5, TOPK_SHARE_AT_10,
            QUERY_MODALITY_BIAS_AT_1, QUERY_MODALITY_BIAS_AT_5, QUERY_MODALITY_BIAS_AT_10,
            HIT_AT_1, ASYMMETRY_HIT_AT_1,
            INSTRUCTION_EFFECT_ACCURACY, INSTRUCTION_SHIFT_COSINE,
            MODALITY_GAP_CENTROID_DISTANCE, MODALITY_GAP_CENTROID_COSINE_DISTANCE,
            WITHIN_MODALITY_COSINE, CROSS_MODALITY_COSINE);

    /** The cutoffs of the share and bias metrics, in the order of their names above. */
    static final int[] CUTOFFS = {1, 5, 10};

    static final String[] TOPK_SHARE = {TOPK_SHARE_AT_1, TOPK_SHARE_AT_5, TOPK_SHARE_AT_10};
    static final String[] QUERY_MODALITY_BIAS = {QUERY_MODALITY_BIAS_AT_1, QUERY_MODALITY_BIAS_AT_5,
        QUERY_MODALITY_BIAS_AT_10};

    private BiasMetricNames() {
    }
}
