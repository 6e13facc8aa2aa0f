package io.omnistream.flink.drift;

/**
 * Two-sided Page-Hinkley test (Page 1954; Hinkley 1971; the form of Gama et al., "A survey on concept drift
 * adaptation", 2014): detects a rise or a fall of a series' mean.
 *
 * <p>With {@code xbar_t} the mean of the samples since the last reset (including {@code x_t}):
 * <pre>
 *   m_t = sum_{i &lt;= t} (x_i - xbar_i - delta)    M_t = min(0, m_1..m_t)    up_t   = m_t - M_t
 *   p_t = sum_{i &lt;= t} (x_i - xbar_i + delta)    P_t = max(0, p_1..p_t)    down_t = P_t - p_t
 * </pre>
 * An alarm is raised when {@code max(up_t, down_t) > lambda} and at least {@link #minSamples} samples were seen
 * since the last reset; direction {@link Direction#UP} if {@code up_t} is the larger, else {@link Direction#DOWN}.
 * {@code delta} is the magnitude tolerance (deviations of the mean smaller than {@code delta} are absorbed) and
 * {@code lambda} the threshold; both are in the units of the series.
 *
 * <p><b>After an alarm</b> the detector resets (mean, sums and extremes, and the count towards {@code minSamples}):
 * it learns the new level from scratch and cannot alarm again for {@code minSamples} samples; a persisting shift
 * therefore raises one alarm, not one per sample.
 *
 * <p><b>Defaults</b> ({@link #DEFAULT_DELTA} = 0.01, {@link #DEFAULT_LAMBDA} = 0.1, {@link #DEFAULT_MIN_SAMPLES} =
 * 30) are for metric series in {@code [0, 1]} (accuracies, shares, hit@1 per window) with noise around
 * {@code sigma = 0.01}: {@code delta = sigma}, {@code lambda = 10 sigma}. For a reflected random walk with drift
 * {@code -delta} and step noise {@code sigma} an excursion above {@code lambda} has probability about
 * {@code exp(-2 delta lambda / sigma^2) = exp(-20) = 2e-9} per excursion. Measured with this class by
 * {@code DefaultThresholdsMeasurement} (test sources; seeded Gaussian noise, mean 0.70, sigma 0.01; 1,000 seeds):
 * stationary, 0 alarms in 1,000 sequences of 10,000 samples (10^7 samples); a step of the mean 0.70 -> 0.55
 * (15 sigma) after 500 samples detected, direction {@code DOWN}, at the first sample after the step for every seed
 * (delay 1, the bound {@code ceil(lambda / (0.15 - delta))} = 1); a step of 2 sigma (0.70 -> 0.68) after 10.9 samples
 * on average, 25 at most. For a noisier series use {@link #scaledToNoise(double)}.
 *
 * <p><b>Flink state.</b> A Flink POJO (public no-arg constructor, public non-final fields); treat the fields as
 * read-only outside this class.
 */
public class PageHinkley implements ChangeDetector {

    /** Default magnitude tolerance, in series units. */
    public static final double DEFAULT_DELTA = 0.01;
    /** Default threshold, in series units. */
    public static final double DEFAULT_LAMBDA = 0.1;
    /** Default number of samples after a reset before an alarm may be raised. */
    public static final long DEFAULT_MIN_SAMPLES = 30;

    /** Magnitude tolerance, {@code >= 0}. */
    public double delta = DEFAULT_DELTA;
    /** Threshold, {@code > 0}. */
    public double lambda = DEFAULT_LAMBDA;
    /** Samples since the last reset before an alarm may be raised, {@code >= 1}. */
    public long minSamples = DEFAULT_MIN_SAMPLES;

    /** Samples seen in the detector's lifetime (the next sample's index). */
    public long samples;
    /** Samples since the last reset. */
    public long n;
    /** Mean of the samples since the last reset. */
    public double mean;
    /** {@code m_t}, {@code M_t}, {@code p_t}, {@code P_t} of the class documentation. */
    public double sumUp;
    public double minSumUp;
    public double sumDown;
    public double maxSumDown;
    /** Alarms raised in the detector's lifetime. */
    public long alarms;

    /** A detector with the default parameters. */
    public PageHinkley() {
    }

    /**
     * A detector with the given parameters.
     *
     * @param delta      magnitude tolerance, {@code >= 0}, series units
     * @param lambda     threshold, {@code > 0}, series units
     * @param minSamples samples after a reset before an alarm may be raised, {@code >= 1}
     */
    public PageHinkley(double delta, double lambda, long minSamples) {
        if (!(delta >= 0.0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("delta " + delta + " must be finite and >= 0");
        }
        if (!(lambda > 0.0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda " + lambda + " must be finite and > 0");
        }
        if (minSamples < 1) {
            throw new IllegalArgumentException("minSamples " + minSamples + " must be >= 1");
        }
        this.delta = delta;
        this.lambda = lambda;
        this.minSamples = minSamples;
    }

    /**
     * Defaults scaled to a series with noise standard deviation {@code sigma}: {@code delta = sigma},
     * {@code lambda = 10 sigma}, {@code minSamples = 30} (the same false-alarm and delay behaviour, in units of
     * {@code sigma}, as the defaults at {@code sigma = 0.01}).
     */
    public static PageHinkley scaledToNoise(double sigma) {
        if (!(sigma > 0.0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma " + sigma + " must be finite and > 0");
        }
        return new PageHinkley(sigma, 10.0 * sigma, DEFAULT_MIN_SAMPLES);
    }

    @Override
    public Detection update(double x) {
        ChangeDetector.requireFinite(x);
        long index = samples++;
        n++;
        mean += (x - mean) / n;
        double deviation = x - mean;
        sumUp += deviation - delta;
        minSumUp = Math.min(minSumUp, sumUp);
        sumDown += deviation + delta;
        maxSumDown = Math.max(maxSumDown, sumDown);
        double up = sumUp - minSumUp;
        double down = maxSumDown - sumDown;
        double statistic = Math.max(up, down);
        if (n >= minSamples && statistic > lambda) {
            alarms++;
            reset();
            return Detection.alarm(up >= down ? Direction.UP : Direction.DOWN, statistic, lambda, index);
        }
        return Detection.none(statistic, lambda, index);
    }

    @Override
    public void reset() {
        n = 0;
        mean = 0.0;
        sumUp = 0.0;
        minSumUp = 0.0;
        sumDown = 0.0;
        maxSumDown = 0.0;
    }

    @Override
    public String detectorName() {
        return "page-hinkley";
    }

    @Override
    public String toString() {
        return "PageHinkley{delta=" + delta + ", lambda=" + lambda + ", minSamples=" + minSamples + ", samples="
                + samples + ", n=" + n + ", mean=" + mean + ", alarms=" + alarms + '}';
    }
}
