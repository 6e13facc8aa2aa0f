package io.omnistream.flink.bias;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Incremental, mergeable accumulator of the query-level modality-bias metrics of {@link BiasMetricNames} (all but the
 * modality-gap metrics, which {@link ModalityCentroids} keeps): add one {@link BiasQuery} at a time, merge partial
 * accumulators, read {@link BiasMetricRow}s. The Flink job keeps one per (model version, window or epoch).
 *
 * <h2>Instruction conditions</h2>
 * {@link #servedWithInstruction} says in which condition the model is served (true for instruction-conditioned
 * encoders such as VLM2Vec; false for encoders without instructions). Queries in that condition are the <i>served</i>
 * queries of every metric but {@code instruction_*}; queries in the other condition are ablation copies and only
 * complete instruction pairs.
 *
 * <h2>Instruction pairs</h2>
 * A query with a target modality, emitted with and without its instruction under the same query id, forms a pair.
 * Whichever emission arrives first waits in {@link #pending} until its partner arrives; then both leave it and the pair
 * is counted. At most {@link #maxPendingPairs} emissions wait: beyond that the oldest (by arrival) is dropped and
 * counted in {@link #pendingEvicted}, so memory is bounded by {@code maxPendingPairs * (4 d + ~100)} bytes for query
 * vectors of dimension {@code d} (about 6 MB at the default 1000 and {@code d = 1536}). {@code maxPendingPairs = 0}
 * turns pairing off (then nothing waits and ablation copies are ignored); use it where no ablation copies are emitted,
 * since otherwise every served query with a target waits in vain and is eventually evicted. A second emission in the
 * same condition replaces the waiting one. Both emissions of a pair must agree on query and target modality:
 * {@link #add} throws otherwise (the caller dead-letters that query); {@link #merge}, which cannot tell which side is
 * wrong, drops both and counts them in {@link #mismatchedPairs}. A pair whose emissions land in different
 * accumulators (different windows) is never completed.
 *
 * <h2>Exactness</h2>
 * The modality shares of one query are {@code j / min(k, r)} with {@code min(k, r)} in {@code 1..10}, so they are
 * summed as exact integers in units of {@code 1/2520} (2520 = lcm(1..10)): share matrices and the own-modality part of
 * the bias do not depend on the order of adds and merges. The gold share of the bias ({@code g_Q / g}) is summed as a
 * double with Neumaier compensation; the instruction-shift sums are plain doubles.
 *
 * <h2>Flink state</h2>
 * A Flink POJO (public no-arg constructor, public non-final fields of primitive arrays, a {@code java.util.Map} of
 * POJOs, which Flink 1.20+ serializes with its built-in map serializer, not Kryo). Treat the fields as read-only
 * outside this class; set the two configuration fields before the first {@link #add}. Arrays are laid out by
 * {@link Modalities#ALL}: index {@code q} for per-query-modality values, {@code q * 5 + t} for modality pairs, and
 * {@code (c * 5 + q) * 5 + r} for per-cutoff matrices with cutoff index {@code c} over {@code k = 1, 5, 10}.
 */
public class ModalityBiasAccumulator {

    /** Default bound of {@link #pending}: enough for an ablation that emits both conditions of a query together. */
    public static final int DEFAULT_MAX_PENDING_PAIRS = 1000;

    /** Shares are counted in units of {@code 1/SHARE_UNIT}; lcm(1..10), so every {@code j / min(k, r)} is whole. */
    static final int SHARE_UNIT = 2520;

    private static final int M = Modalities.COUNT;
    private static final int K = BiasMetricNames.CUTOFFS.length;

    /** Configuration: whether served queries are the ones with the instruction applied. Default true. */
    public boolean servedWithInstruction = true;
    /** Configuration: bound on waiting pair emissions; 0 disables instruction pairing. */
    public int maxPendingPairs = DEFAULT_MAX_PENDING_PAIRS;

    /** Served queries with at least one result, per query modality. */
    public long[] shareQueries = new long[M];
    /** Sum of the modality shares in units of 1/2520, per (cutoff, query modality, result modality). */
    public long[] shareUnits = new long[K * M * M];

    /** Served queries with at least one result and one gold item, per query modality. */
    public long[] biasQueries = new long[M];
    /** Sum of own-modality top-k shares of those queries in units of 1/2520, per (cutoff, query modality). */
    public long[] biasOwnUnits = new long[K * M];
    /** Neumaier sum (and compensation) of the gold shares of those queries, per query modality. */
    public double[] biasGoldShareSums = new double[M];
    public double[] biasGoldShareCompensations = new double[M];

    /** Served queries with a target modality, per (query, target) modality. */
    public long[] targetQueries = new long[M * M];
    /** Of those, queries whose top-1 result has the target modality. */
    public long[] targetTop1 = new long[M * M];
    /** Of those, queries whose top-1 result is gold. */
    public long[] goldTop1 = new long[M * M];

    /** Completed instruction pairs, per (query, target) modality. */
    public long[] pairs = new long[M * M];
    /** Of those, pairs whose with-instruction emission had the target modality at top 1. */
    public long[] pairsTargetWith = new long[M * M];
    /** Of those, pairs whose without-instruction emission had the target modality at top 1. */
    public long[] pairsTargetWithout = new long[M * M];
    /** Pairs where both emissions carried a query vector. */
    public long[] shiftPairs = new long[M * M];
    /**
     * Sum over those pairs of the unit shift {@code (v_with - v_without) / |v_with - v_without|} (zero for a zero
     * shift), per (query, target) modality; a row has length {@link #shiftDimension} once that pair has a shift,
     * else 0.
     */
    public double[][] shiftUnitSums = emptyRows(M * M);
    /** Dimension of the query vectors of the shifts; 0 until the first. */
    public int shiftDimension;

    /** Emissions waiting for their partner, by query id. */
    public Map<String, PendingQuery> pending = new HashMap<>();
    /** Arrival counter for {@link PendingQuery#sequence} (oldest is evicted first). */
    public long pendingSequence;
    /** Waiting emissions dropped because {@link #maxPendingPairs} was exceeded. */
    public long pendingEvicted;
    /** Pairs dropped by {@link #merge} because the two emissions disagreed on query or target modality. */
    public long mismatchedPairs;

    public ModalityBiasAccumulator() {
    }

    /**
     * An accumulator with the given configuration.
     *
     * @param servedWithInstruction whether served queries are those with the instruction applied
     * @param maxPendingPairs       bound on waiting pair emissions, {@code >= 0}; 0 disables pairing
     */
    public ModalityBiasAccumulator(boolean servedWithInstruction, int maxPendingPairs) {
        if (maxPendingPairs < 0) {
            throw new IllegalArgumentException("maxPendingPairs " + maxPendingPairs + " < 0");
        }
        this.servedWithInstruction = servedWithInstruction;
        this.maxPendingPairs = maxPendingPairs;
    }

    /**
     * Adds one query emission.
     *
     * @throws IllegalArgumentException if the query completes an instruction pair whose other emission has a different
     *                                  query or target modality, or whose query vector has a different dimension; the
     *                                  accumulator is unchanged then
     */
    public void add(BiasQuery query) {
        Objects.requireNonNull(query, "query");
        boolean pairing = query.targetModality() != null && maxPendingPairs > 0;
        PendingQuery partner = null;
        if (pairing) {
            PendingQuery waiting = pending.get(query.queryId());
            if (waiting != null && waiting.instructionApplied != query.instructionApplied()) {
                if (!waiting.queryModality.equals(query.queryModality())
                        || !waiting.targetModality.equals(query.targetModality())) {
                    throw new IllegalArgumentException("query '" + query.queryId() + "' was emitted as "
                            + waiting.queryModality + "->" + waiting.targetModality + " and now as "
                            + query.queryModality() + "->" + query.targetModality());
                }
                float[] v = query.queryVectorUnsafe();
                if (v != null && waiting.vector != null) {
                    if (v.length != waiting.vector.length || (shiftDimension != 0 && v.length != shiftDimension)) {
                        throw new IllegalArgumentException("query '" + query.queryId() + "' vector dimension "
                                + v.length + " differs from " + waiting.vector.length + " / " + shiftDimension);
                    }
                }
                partner = waiting;
            }
        }
        if (query.instructionApplied() == servedWithInstruction) {
            addServed(query);
        }
        if (pairing) {
            PendingQuery mine = PendingQuery.of(query, 0L);
            if (partner != null) {
                pending.remove(query.queryId());
                addPair(mine, partner);
            } else {
                mine.sequence = ++pendingSequence;
                pending.put(query.queryId(), mine);
                evictOverflow();
            }
        }
    }

    /**
     * Adds everything of {@code other} into this accumulator, completing pairs whose emissions were split between the
     * two; {@code other} is not changed. For a query id waiting in both in the same condition, this accumulator's
     * emission is kept. Commutative and associative in the counters (exactly for the integer counters, up to rounding
     * for the double sums).
     *
     * @return this
     * @throws IllegalArgumentException if the two differ in {@link #servedWithInstruction} or in shift dimension
     */
    public ModalityBiasAccumulator merge(ModalityBiasAccumulator other) {
        Objects.requireNonNull(other, "other");
        if (other == this) {
            throw new IllegalArgumentException("cannot merge an accumulator into itself");
        }
        if (other.servedWithInstruction != servedWithInstruction) {
            throw new IllegalArgumentException("cannot merge accumulators of different served conditions");
        }
        if (other.shiftDimension != 0 && shiftDimension != 0 && other.shiftDimension != shiftDimension) {
            throw new IllegalArgumentException(
                    "shift dimension " + other.shiftDimension + " differs from " + shiftDimension);
        }
        addInto(shareQueries, other.shareQueries);
        addInto(shareUnits, other.shareUnits);
        addInto(biasQueries, other.biasQueries);
        addInto(biasOwnUnits, other.biasOwnUnits);
        for (int q = 0; q < M; q++) {
            neumaier(biasGoldShareSums, biasGoldShareCompensations, q, other.biasGoldShareSums[q]);
            biasGoldShareCompensations[q] += other.biasGoldShareCompensations[q];
        }
        addInto(targetQueries, other.targetQueries);
        addInto(targetTop1, other.targetTop1);
        addInto(goldTop1, other.goldTop1);
        addInto(pairs, other.pairs);
        addInto(pairsTargetWith, other.pairsTargetWith);
        addInto(pairsTargetWithout, other.pairsTargetWithout);
        addInto(shiftPairs, other.shiftPairs);
        for (int qt = 0; qt < M * M; qt++) {
            if (other.shiftUnitSums[qt].length > 0) {
                double[] row = shiftRow(qt, other.shiftUnitSums[qt].length);
                for (int i = 0; i < row.length; i++) {
                    row[i] += other.shiftUnitSums[qt][i];
                }
            }
        }
        pendingEvicted += other.pendingEvicted;
        mismatchedPairs += other.mismatchedPairs;
        List<Map.Entry<String, PendingQuery>> theirs = new ArrayList<>(other.pending.entrySet());
        theirs.sort(Comparator.comparingLong(e -> e.getValue().sequence));
        for (Map.Entry<String, PendingQuery> entry : theirs) {
            String id = entry.getKey();
            PendingQuery their = entry.getValue();
            PendingQuery mine = pending.get(id);
            if (mine == null) {
                PendingQuery copy = their.copy();
                copy.sequence = ++pendingSequence;
                pending.put(id, copy);
            } else if (mine.instructionApplied != their.instructionApplied) {
                pending.remove(id);
                boolean sameModalities = mine.queryModality.equals(their.queryModality)
                        && mine.targetModality.equals(their.targetModality);
                boolean dimensionsFit = mine.vector == null || their.vector == null
                        || (mine.vector.length == their.vector.length
                            && (shiftDimension == 0 || mine.vector.length == shiftDimension));
                if (sameModalities && dimensionsFit) {
                    addPair(mine, their);
                } else {
                    mismatchedPairs++;
                }
            }
        }
        evictOverflow();
        return this;
    }

    /** Number of emissions waiting for their instruction partner. */
    public int pendingCount() {
        return pending.size();
    }

    /**
     * The metric rows, in {@link BiasMetricNames#ALL} order, then overall row first, then by query modality and result
     * modality in {@link Modalities#ALL} order. Rows with no samples are omitted.
     *
     * @param centroids the modality centroids for {@link BiasMetricNames#INSTRUCTION_SHIFT_COSINE}; null to omit that
     *                  metric
     * @throws IllegalArgumentException if the centroids' dimension differs from the query vectors'
     */
    public List<BiasMetricRow> results(ModalityCentroids centroids) {
        List<BiasMetricRow> rows = new ArrayList<>();
        targetAccuracyRows(rows);
        shareRows(rows);
        biasRows(rows);
        hitRows(rows);
        asymmetryRows(rows);
        instructionEffectRows(rows);
        if (centroids != null) {
            shiftCosineRows(rows, centroids);
        }
        return rows;
    }

    private void addServed(BiasQuery query) {
        int q = Modalities.index(query.queryModality());
        List<RankedResult> results = query.results();
        if (!results.isEmpty()) {
            shareQueries[q]++;
            int[] modalityCounts = new int[M];
            int next = 0;
            for (int c = 0; c < K; c++) {
                int cutoff = Math.min(BiasMetricNames.CUTOFFS[c], results.size());
                for (; next < cutoff; next++) {
                    modalityCounts[Modalities.index(results.get(next).modality())]++;
                }
                int unitPerResult = SHARE_UNIT / cutoff;
                for (int r = 0; r < M; r++) {
                    shareUnits[(c * M + q) * M + r] += (long) modalityCounts[r] * unitPerResult;
                }
            }
            if (!query.gold().isEmpty()) {
                biasQueries[q]++;
                int[] own = new int[K];
                for (int c = 0; c < K; c++) {
                    int cutoff = Math.min(BiasMetricNames.CUTOFFS[c], results.size());
                    for (int i = 0; i < cutoff; i++) {
                        if (results.get(i).modality().equals(query.queryModality())) {
                            own[c]++;
                        }
                    }
                    biasOwnUnits[c * M + q] += (long) own[c] * (SHARE_UNIT / cutoff);
                }
                long goldOwn = query.gold().values().stream().filter(query.queryModality()::equals).count();
                neumaier(biasGoldShareSums, biasGoldShareCompensations, q,
                        (double) goldOwn / query.gold().size());
            }
        }
        if (query.targetModality() != null) {
            int qt = q * M + Modalities.index(query.targetModality());
            targetQueries[qt]++;
            if (query.top1HasTargetModality()) {
                targetTop1[qt]++;
            }
            if (query.top1IsGold()) {
                goldTop1[qt]++;
            }
        }
    }

    /** Counts a completed pair; the two emissions are in opposite conditions and agree on modalities. */
    private void addPair(PendingQuery a, PendingQuery b) {
        PendingQuery with = a.instructionApplied ? a : b;
        PendingQuery without = a.instructionApplied ? b : a;
        int qt = Modalities.index(with.queryModality) * M + Modalities.index(with.targetModality);
        pairs[qt]++;
        if (with.top1HasTarget) {
            pairsTargetWith[qt]++;
        }
        if (without.top1HasTarget) {
            pairsTargetWithout[qt]++;
        }
        if (with.vector != null && without.vector != null) {
            int d = with.vector.length;
            double[] shift = new double[d];
            double squaredNorm = 0.0;
            for (int i = 0; i < d; i++) {
                shift[i] = (double) with.vector[i] - without.vector[i];
                squaredNorm += shift[i] * shift[i];
            }
            double[] row = shiftRow(qt, d);
            if (squaredNorm > 0.0) {
                double norm = Math.sqrt(squaredNorm);
                for (int i = 0; i < d; i++) {
                    row[i] += shift[i] / norm;
                }
            }
            shiftPairs[qt]++;
        }
    }

    private double[] shiftRow(int qt, int d) {
        if (shiftDimension == 0) {
            shiftDimension = d;
        }
        if (shiftUnitSums[qt].length == 0) {
            shiftUnitSums[qt] = new double[d];
        }
        return shiftUnitSums[qt];
    }

    private void evictOverflow() {
        while (pending.size() > maxPendingPairs) {
            String oldest = null;
            long oldestSequence = Long.MAX_VALUE;
            for (Map.Entry<String, PendingQuery> e : pending.entrySet()) {
                if (e.getValue().sequence < oldestSequence) {
                    oldestSequence = e.getValue().sequence;
                    oldest = e.getKey();
                }
            }
            pending.remove(oldest);
            pendingEvicted++;
        }
    }

    private void targetAccuracyRows(List<BiasMetricRow> rows) {
        long all = 0;
        long hits = 0;
        for (int qt = 0; qt < M * M; qt++) {
            all += targetQueries[qt];
            hits += targetTop1[qt];
        }
        if (all > 0) {
            rows.add(new BiasMetricRow(BiasMetricNames.TARGET_MODALITY_ACCURACY, null, null, (double) hits / all, all));
        }
        for (int qt = 0; qt < M * M; qt++) {
            if (targetQueries[qt] > 0) {
                rows.add(new BiasMetricRow(BiasMetricNames.TARGET_MODALITY_ACCURACY, Modalities.at(qt / M),
                        Modalities.at(qt % M), (double) targetTop1[qt] / targetQueries[qt], targetQueries[qt]));
            }
        }
    }

    private void shareRows(List<BiasMetricRow> rows) {
        boolean[] seen = new boolean[M];
        int largest = K - 1;
        for (int q = 0; q < M; q++) {
            for (int r = 0; r < M; r++) {
                if (shareUnits[(largest * M + q) * M + r] > 0) {
                    seen[r] = true;
                }
            }
        }
        for (int c = 0; c < K; c++) {
            for (int q = 0; q < M; q++) {
                if (shareQueries[q] == 0) {
                    continue;
                }
                for (int r = 0; r < M; r++) {
                    if (seen[r]) {
                        double value = shareUnits[(c * M + q) * M + r] / ((double) SHARE_UNIT * shareQueries[q]);
                        rows.add(new BiasMetricRow(BiasMetricNames.TOPK_SHARE[c], Modalities.at(q), Modalities.at(r),
                                value, shareQueries[q]));
                    }
                }
            }
        }
    }

    private void biasRows(List<BiasMetricRow> rows) {
        for (int c = 0; c < K; c++) {
            long allQueries = 0;
            long allOwn = 0;
            double[] goldSum = {0.0};
            double[] goldCompensation = {0.0};
            for (int q = 0; q < M; q++) {
                allQueries += biasQueries[q];
                allOwn += biasOwnUnits[c * M + q];
                neumaier(goldSum, goldCompensation, 0, biasGoldShareSums[q] + biasGoldShareCompensations[q]);
            }
            if (allQueries == 0) {
                continue;
            }
            rows.add(new BiasMetricRow(BiasMetricNames.QUERY_MODALITY_BIAS[c], null, null,
                    ((double) allOwn / SHARE_UNIT - (goldSum[0] + goldCompensation[0])) / allQueries, allQueries));
            for (int q = 0; q < M; q++) {
                if (biasQueries[q] > 0) {
                    double own = (double) biasOwnUnits[c * M + q] / SHARE_UNIT;
                    double gold = biasGoldShareSums[q] + biasGoldShareCompensations[q];
                    rows.add(new BiasMetricRow(BiasMetricNames.QUERY_MODALITY_BIAS[c], Modalities.at(q), null,
                            (own - gold) / biasQueries[q], biasQueries[q]));
                }
            }
        }
    }

    private void hitRows(List<BiasMetricRow> rows) {
        for (int qt = 0; qt < M * M; qt++) {
            if (targetQueries[qt] > 0) {
                rows.add(new BiasMetricRow(BiasMetricNames.HIT_AT_1, Modalities.at(qt / M), Modalities.at(qt % M),
                        (double) goldTop1[qt] / targetQueries[qt], targetQueries[qt]));
            }
        }
    }

    private void asymmetryRows(List<BiasMetricRow> rows) {
        for (int a = 0; a < M; a++) {
            for (int b = a + 1; b < M; b++) {
                int ab = a * M + b;
                int ba = b * M + a;
                if (targetQueries[ab] > 0 && targetQueries[ba] > 0) {
                    double value = (double) goldTop1[ab] / targetQueries[ab]
                            - (double) goldTop1[ba] / targetQueries[ba];
                    rows.add(new BiasMetricRow(BiasMetricNames.ASYMMETRY_HIT_AT_1, Modalities.at(a), Modalities.at(b),
                            value, targetQueries[ab] + targetQueries[ba]));
                }
            }
        }
    }

    private void instructionEffectRows(List<BiasMetricRow> rows) {
        long all = 0;
        long diff = 0;
        for (int qt = 0; qt < M * M; qt++) {
            all += pairs[qt];
            diff += pairsTargetWith[qt] - pairsTargetWithout[qt];
        }
        if (all > 0) {
            rows.add(new BiasMetricRow(BiasMetricNames.INSTRUCTION_EFFECT_ACCURACY, null, null, (double) diff / all,
                    all));
        }
        for (int qt = 0; qt < M * M; qt++) {
            if (pairs[qt] > 0) {
                rows.add(new BiasMetricRow(BiasMetricNames.INSTRUCTION_EFFECT_ACCURACY, Modalities.at(qt / M),
                        Modalities.at(qt % M), (double) (pairsTargetWith[qt] - pairsTargetWithout[qt]) / pairs[qt],
                        pairs[qt]));
            }
        }
    }

    private void shiftCosineRows(List<BiasMetricRow> rows, ModalityCentroids centroids) {
        if (shiftDimension != 0 && centroids.dimension != 0 && centroids.dimension != shiftDimension) {
            throw new IllegalArgumentException("centroid dimension " + centroids.dimension
                    + " differs from query vector dimension " + shiftDimension);
        }
        List<BiasMetricRow> perPair = new ArrayList<>();
        double allSum = 0.0;
        long allPairs = 0;
        for (int qt = 0; qt < M * M; qt++) {
            int q = qt / M;
            int t = qt % M;
            if (shiftPairs[qt] == 0 || q == t) {
                continue;
            }
            double[] cq = centroids.centroid(q);
            double[] ct = centroids.centroid(t);
            if (cq == null || ct == null) {
                continue;
            }
            double[] direction = new double[cq.length];
            for (int i = 0; i < direction.length; i++) {
                direction[i] = ct[i] - cq[i];
            }
            double norm = ModalityCentroids.norm(direction);
            if (norm == 0.0) {
                continue;
            }
            // mean_i cos(u_i, d) = (sum_i u_i / |u_i|) . d / (|d| n), with zero shifts contributing a zero vector.
            double cosineSum = ModalityCentroids.dot(shiftUnitSums[qt], direction) / norm;
            perPair.add(new BiasMetricRow(BiasMetricNames.INSTRUCTION_SHIFT_COSINE, Modalities.at(q), Modalities.at(t),
                    cosineSum / shiftPairs[qt], shiftPairs[qt]));
            allSum += cosineSum;
            allPairs += shiftPairs[qt];
        }
        if (allPairs > 0) {
            rows.add(new BiasMetricRow(BiasMetricNames.INSTRUCTION_SHIFT_COSINE, null, null, allSum / allPairs,
                    allPairs));
        }
        rows.addAll(perPair);
    }

    private static void addInto(long[] into, long[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }

    /** Neumaier step: adds {@code value} to {@code s[i]}, keeping the lost low-order part in {@code c[i]}. */
    private static void neumaier(double[] s, double[] c, int i, double value) {
        double sum = s[i];
        double t = sum + value;
        if (Math.abs(sum) >= Math.abs(value)) {
            c[i] += (sum - t) + value;
        } else {
            c[i] += (value - t) + sum;
        }
        s[i] = t;
    }

    private static double[][] emptyRows(int n) {
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = new double[0];
        }
        return rows;
    }

    /**
     * One emission waiting for its instruction partner: only what the pair needs. A Flink POJO.
     */
    public static class PendingQuery {
        public String queryModality;
        public String targetModality;
        public boolean instructionApplied;
        /** Whether this emission's top-1 result had the target modality. */
        public boolean top1HasTarget;
        /** The query vector; null if the emission carried none. */
        public float[] vector;
        /** Arrival order within the accumulator (larger is newer). */
        public long sequence;

        public PendingQuery() {
        }

        static PendingQuery of(BiasQuery query, long sequence) {
            PendingQuery p = new PendingQuery();
            p.queryModality = query.queryModality();
            p.targetModality = query.targetModality();
            p.instructionApplied = query.instructionApplied();
            p.top1HasTarget = query.top1HasTargetModality();
            p.vector = query.queryVectorUnsafe() == null ? null : query.queryVectorUnsafe().clone();
            p.sequence = sequence;
            return p;
        }

        PendingQuery copy() {
            PendingQuery p = new PendingQuery();
            p.queryModality = queryModality;
            p.targetModality = targetModality;
            p.instructionApplied = instructionApplied;
            p.top1HasTarget = top1HasTarget;
            p.vector = vector == null ? null : vector.clone();
            p.sequence = sequence;
            return p;
        }
    }
}
