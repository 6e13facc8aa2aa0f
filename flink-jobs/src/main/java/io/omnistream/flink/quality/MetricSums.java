package io.omnistream.flink.quality;

import io.omnistream.flink.quality.metrics.MetricAggregate;
import io.omnistream.flink.quality.metrics.MetricName;

/**
 * Running means of the {@link MetricName}s over scored queries, as compensated (Neumaier) sums: the state of a task
 * aggregate and the accumulator of an event-time window. A Flink POJO (public fields, no-arg constructor, primitive
 * arrays), so it is serialized by the PojoSerializer and not by Kryo.
 *
 * <p>{@link #add} performs exactly the compensated step of {@link MetricAggregate#plus}, so {@link #mean} equals
 * {@code MetricAggregate.mean} for the same queries in the same order (and is order-independent to ~1e-15).
 */
public class MetricSums {
    public double[] sums;
    public double[] compensations;
    /** Queries added. */
    public long n;
    /** Earliest / latest event time (ms since epoch) of the added queries. */
    public long firstEventMs = Long.MAX_VALUE;
    public long lastEventMs = Long.MIN_VALUE;

    public MetricSums() {
        this(MetricName.values().length);
    }

    /** Sums over {@code width} values per query (the 11 metrics, or another fixed list). */
    public MetricSums(int width) {
        sums = new double[width];
        compensations = new double[width];
    }

    /** Adds one query's values (indexed like the sums; for the metrics by {@link MetricName#ordinal()}). */
    public void add(double[] values, long eventTimeMs) {
        if (values.length != sums.length) {
            throw new IllegalArgumentException("expected " + sums.length + " values, got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            double value = values[i];
            double sum = sums[i];
            double t = sum + value;
            if (Math.abs(sum) >= Math.abs(value)) {
                compensations[i] += (sum - t) + value;
            } else {
                compensations[i] += (value - t) + sum;
            }
            sums[i] = t;
        }
        n++;
        firstEventMs = Math.min(firstEventMs, eventTimeMs);
        lastEventMs = Math.max(lastEventMs, eventTimeMs);
    }

    /** Mean of value {@code i} over the added queries; NaN if none. */
    public double mean(int i) {
        return n == 0 ? Double.NaN : (sums[i] + compensations[i]) / n;
    }

    /** Adds everything of {@code other} (window merges). */
    public MetricSums merge(MetricSums other) {
        for (int i = 0; i < sums.length; i++) {
            double value = other.sums[i] + other.compensations[i];
            double sum = sums[i];
            double t = sum + value;
            if (Math.abs(sum) >= Math.abs(value)) {
                compensations[i] += (sum - t) + value;
            } else {
                compensations[i] += (value - t) + sum;
            }
            sums[i] = t;
        }
        n += other.n;
        firstEventMs = Math.min(firstEventMs, other.firstEventMs);
        lastEventMs = Math.max(lastEventMs, other.lastEventMs);
        return this;
    }
}
