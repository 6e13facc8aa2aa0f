package io.omnistream.flink.quality.metrics;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Running sum and count per {@link MetricName} over the queries of one group (a task, a window, a modality pair):
 * the accumulator the retrieval-quality job keeps in state. Immutable: {@link #plus} and {@link #merge} return new
 * instances (11 metrics, so a copy is a few hundred bytes).
 *
 * <p><b>Merging.</b> {@link #merge} is commutative and associative with {@link #empty()} as identity, so partial
 * aggregates can be combined in any grouping (Flink session-window merges, parallel pre-aggregation). Counts merge
 * exactly; sums up to floating-point rounding, see below.
 *
 * <p><b>Summation.</b> Sums use Neumaier's compensated summation: each sum carries a compensation term that holds the
 * rounding error of the additions so far, and merging adds both terms. The error of a mean is then a few ulps
 * independent of the number of queries and of the merge order, where a plain double sum drifts by up to
 * {@code n * 1.1e-16} relative and differs in the last digits between merge orders. Plain sums would be exact enough
 * for 4-decimal reporting; we pay two extra doubles per metric so that two replays of the same benchmark, merged in
 * different orders, report the same numbers (and a test can compare them tightly).
 *
 * <p><b>Means.</b> {@link #mean} is {@code sum / count} over the queries added, which is VLM2Vec's per-task score
 * ({@code np.mean} over all queries, including queries without relevant items; see {@link QueryMetrics}).
 */
public final class MetricAggregate {

    private static final int METRICS = MetricName.values().length;
    private static final MetricAggregate EMPTY =
            new MetricAggregate(new double[METRICS], new double[METRICS], new long[METRICS], 0L);

    private final double[] sums;
    private final double[] compensations;
    private final long[] counts;
    private final long queriesWithoutRelevant;

    private MetricAggregate(double[] sums, double[] compensations, long[] counts, long queriesWithoutRelevant) {
        this.sums = sums;
        this.compensations = compensations;
        this.counts = counts;
        this.queriesWithoutRelevant = queriesWithoutRelevant;
    }

    /** The aggregate of no queries; identity of {@link #merge}. */
    public static MetricAggregate empty() {
        return EMPTY;
    }

    /** This aggregate plus one query (every metric's count grows by one). */
    public MetricAggregate plus(QueryMetrics query) {
        Objects.requireNonNull(query, "query");
        double[] s = sums.clone();
        double[] c = compensations.clone();
        long[] n = counts.clone();
        for (MetricName name : MetricName.values()) {
            int i = name.ordinal();
            add(s, c, i, query.value(name));
            n[i]++;
        }
        return new MetricAggregate(s, c, n, queriesWithoutRelevant + (query.hasRelevant() ? 0 : 1));
    }

    /** The aggregate of the queries of both. */
    public MetricAggregate merge(MetricAggregate other) {
        Objects.requireNonNull(other, "other");
        double[] s = sums.clone();
        double[] c = compensations.clone();
        long[] n = counts.clone();
        for (int i = 0; i < METRICS; i++) {
            add(s, c, i, other.sums[i]);
            c[i] += other.compensations[i];
            n[i] += other.counts[i];
        }
        return new MetricAggregate(s, c, n, queriesWithoutRelevant + other.queriesWithoutRelevant);
    }

    /** Number of query values added for a metric. */
    public long count(MetricName name) {
        return counts[name.ordinal()];
    }

    /** Sum of the values of a metric (compensation applied). */
    public double sum(MetricName name) {
        int i = name.ordinal();
        return sums[i] + compensations[i];
    }

    /** Mean of a metric over the queries added; empty if there were none. */
    public OptionalDouble mean(MetricName name) {
        long n = count(name);
        return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum(name) / n);
    }

    /** Number of queries added whose judgments had nothing relevant ({@link QueryMetrics#hasRelevant()} false). */
    public long queriesWithoutRelevant() {
        return queriesWithoutRelevant;
    }

    /** Neumaier step: adds {@code value} to {@code s[i]}, keeping the lost low-order part in {@code c[i]}. */
    private static void add(double[] s, double[] c, int i, double value) {
        double sum = s[i];
        double t = sum + value;
        if (Math.abs(sum) >= Math.abs(value)) {
            c[i] += (sum - t) + value;
        } else {
            c[i] += (value - t) + sum;
        }
        s[i] = t;
    }

    /** Equal when counts and compensated sums are equal (the split between sum and compensation is ignored). */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof MetricAggregate that)) {
            return false;
        }
        if (queriesWithoutRelevant != that.queriesWithoutRelevant || !Arrays.equals(counts, that.counts)) {
            return false;
        }
        for (MetricName name : MetricName.values()) {
            if (Double.compare(sum(name), that.sum(name)) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(queriesWithoutRelevant) * 31 + Arrays.hashCode(counts);
        for (MetricName name : MetricName.values()) {
            h = h * 31 + Double.hashCode(sum(name));
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("MetricAggregate{");
        for (MetricName name : MetricName.values()) {
            out.append(name.key()).append('=').append(sum(name)).append('/').append(count(name)).append(", ");
        }
        return out.append("withoutRelevant=").append(queriesWithoutRelevant).append('}').toString();
    }
}
