package io.omnistream.flink.drift;

import java.util.Objects;

/**
 * A window of cosine similarity scores kept as a fixed-width histogram over {@code [-1, 1]}, so that a reference
 * window and a current window can be compared with {@link KolmogorovSmirnov#twoSample(ScoreHistogram,
 * ScoreHistogram)} at bounded memory.
 *
 * <p><b>Memory bound.</b> {@code 8 * bins + 40} bytes whatever the number of scores: 16 KB at the default
 * {@value #DEFAULT_BINS} bins (width 0.001). Counts are exact (no sampling), so the histogram is deterministic and
 * {@link #merge} is exact, commutative and associative.
 *
 * <p><b>Binning.</b> Bin {@code i} holds scores in {@code [-1 + i w, -1 + (i + 1) w)}, {@code w = 2 / bins}; the last
 * bin also holds 1.0. Scores outside {@code [-1, 1]} (float rounding of a cosine of unit vectors gives e.g.
 * 1.0000001) are clamped to the nearest end and counted in {@link #clamped}, so that a window of scores from
 * unnormalised vectors is visible rather than silently folded in. What binning costs the KS test is stated in
 * {@link KolmogorovSmirnov}.
 *
 * <p><b>Flink state.</b> A Flink POJO (public no-arg constructor, public non-final fields); treat the fields as
 * read-only outside this class.
 */
public class ScoreHistogram {

    /** Default number of bins (width 0.001 over [-1, 1]). */
    public static final int DEFAULT_BINS = 2000;
    /** Lower end of the score range. */
    public static final double LOWER = -1.0;
    /** Upper end of the score range. */
    public static final double UPPER = 1.0;

    /** Scores per bin. */
    public long[] counts;
    /** Scores added (the sum of {@link #counts}). */
    public long total;
    /** Scores that were outside {@code [-1, 1]} and were clamped into the end bins. */
    public long clamped;

    /** A histogram with {@link #DEFAULT_BINS} bins. */
    public ScoreHistogram() {
        this(DEFAULT_BINS);
    }

    /** A histogram with the given number of bins, {@code >= 1}. */
    public ScoreHistogram(int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins " + bins + " must be >= 1");
        }
        counts = new long[bins];
    }

    /**
     * Adds a score.
     *
     * @throws IllegalArgumentException if the score is NaN
     */
    public void add(double score) {
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("score is NaN");
        }
        if (score < LOWER || score > UPPER) {
            clamped++;
        }
        counts[binOf(score)]++;
        total++;
    }

    /**
     * Adds the counts of {@code other} (same number of bins) into this histogram; {@code other} is not changed.
     *
     * @return this
     */
    public ScoreHistogram merge(ScoreHistogram other) {
        Objects.requireNonNull(other, "other");
        if (other.counts.length != counts.length) {
            throw new IllegalArgumentException("cannot merge " + other.counts.length + " bins into " + counts.length);
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        clamped += other.clamped;
        return this;
    }

    /** Forgets all scores (a new window). */
    public void clear() {
        java.util.Arrays.fill(counts, 0L);
        total = 0;
        clamped = 0;
    }

    /** Number of bins. */
    public int bins() {
        return counts.length;
    }

    /** Bin width. */
    public double binWidth() {
        return (UPPER - LOWER) / counts.length;
    }

    /** Scores in one bin. */
    public long count(int bin) {
        return counts[bin];
    }

    /** The bin of a score (scores outside the range map to the end bins). */
    public int binOf(double score) {
        int bin = (int) Math.floor((score - LOWER) / (UPPER - LOWER) * counts.length);
        return Math.max(0, Math.min(counts.length - 1, bin));
    }

    /** Largest share of the scores in a single bin; 0 if empty. Bounds the binning error of the KS statistic. */
    public double maxBinShare() {
        if (total == 0) {
            return 0.0;
        }
        long max = 0;
        for (long c : counts) {
            max = Math.max(max, c);
        }
        return (double) max / total;
    }
}
