package io.omnistream.flink.drift;

/**
 * Two-sided tabular CUSUM (Page 1954; Montgomery, <i>Introduction to Statistical Quality Control</i>, §9.1) on
 * standardised values {@code z_t = (x_t - mu) / sigma}:
 * <pre>
 *   S+_t = max(0, S+_{t-1} + z_t - k)      S-_t = max(0, S-_{t-1} - z_t - k)      S+_0 = S-_0 = 0
 * </pre>
 * An alarm is raised when {@code S+_t > h} (direction {@link Direction#UP}) or {@code S-_t > h}
 * ({@link Direction#DOWN}; if both, the larger decides). {@code k} (reference value) and {@code h} (decision interval)
 * are in units of {@code sigma}: {@code k} is about half the shift one wants to detect fastest.
 *
 * <p><b>Reference.</b> {@code mu} and {@code sigma} are either given ({@link #withReference}) or estimated from the
 * first {@link #warmup} samples (sample mean and sample standard deviation, Welford's update; no alarms and statistic
 * 0 during the warm-up). {@code sigma} is floored at {@link #minStd} so that a warm-up of constant values (e.g. an
 * accuracy of exactly 1.0) does not divide by zero: any later change of such a series alarms.
 *
 * <p><b>After an alarm</b> both sums restart at 0. With an estimated reference the detector also starts a new warm-up
 * (the process is taken to have moved to a new level, which becomes the reference: one alarm per shift). With a given
 * reference it keeps it, so a persisting shift of {@code s sigma} alarms again about every {@code h / (|s| - k)}
 * samples until the series returns.
 *
 * <p><b>Defaults</b> ({@link #DEFAULT_K} = 1.0, {@link #DEFAULT_H} = 10.0, {@link #DEFAULT_WARMUP} = 100), chosen
 * for no false alarm in long stationary runs with an <i>estimated</i> reference. Siegmund's approximation of the
 * in-control average run length, {@code (e^(2kb) - 2kb - 1) / (2k^2)} with {@code b = h + 1.166}, gives 2.5e9 samples
 * per side for an exact reference; the reference estimated from 100 samples is off by about 0.1 sigma in the mean and
 * 7% in sigma, which shortens it by an order of magnitude or more (k = 1, h = 8: 2.3e7 predicted two-sided, 7 alarms
 * in 10^7 samples measured; k = 0.5, the textbook choice, raised 178 alarms in 10^7 samples even with h = 12).
 * Measured with this class by {@code DefaultThresholdsMeasurement} (test sources;
 * seeded Gaussian noise, mean 0.70, sigma 0.01; 1,000 seeds): stationary, 0 alarms in 1,000 sequences of 10,000
 * samples (k = 1, h = 8 gave 7); a step 0.70 -> 0.55 (15 sigma) after 500 samples detected, direction {@code DOWN},
 * at the first sample after the step for every seed (delay 1); a step of 2 sigma (0.70 -> 0.68) detected after 10.7
 * samples on average, 34 at most. The warm-up makes the detector blind for {@code warmup} samples at the start and
 * after each alarm; for a slow series (one sample per replay epoch) give the reference instead
 * ({@link #withReference}).
 *
 * <p><b>Flink state.</b> A Flink POJO (public no-arg constructor, public non-final fields); treat the fields as
 * read-only outside this class.
 */
public class Cusum implements ChangeDetector {

    /** Default reference value, in standard deviations. */
    public static final double DEFAULT_K = 1.0;
    /** Default decision interval, in standard deviations. */
    public static final double DEFAULT_H = 10.0;
    /** Default number of warm-up samples for estimating the reference. */
    public static final int DEFAULT_WARMUP = 100;
    /** Default floor of the standard deviation, in series units. */
    public static final double DEFAULT_MIN_STD = 1e-6;

    /** Reference value, in standard deviations, {@code >= 0}. */
    public double k = DEFAULT_K;
    /** Decision interval, in standard deviations, {@code > 0}. */
    public double h = DEFAULT_H;
    /** Whether {@link #mean} and {@link #std} are estimated from a warm-up (true) or given (false). */
    public boolean estimated = true;
    /** Warm-up length, {@code >= 2} when estimated. */
    public int warmup = DEFAULT_WARMUP;
    /** Floor of {@link #std}, series units, {@code > 0}. */
    public double minStd = DEFAULT_MIN_STD;

    /** Reference mean and standard deviation (valid once {@link #warmN} reached {@link #warmup}, or given). */
    public double mean;
    public double std;
    /** Warm-up samples seen since the last (re)start, their running mean and sum of squared deviations. */
    public long warmN;
    public double warmMean;
    public double warmM2;

    /** {@code S+} and {@code S-}. */
    public double sHigh;
    public double sLow;
    /** Samples seen in the detector's lifetime (the next sample's index). */
    public long samples;
    /** Alarms raised in the detector's lifetime. */
    public long alarms;

    /** A detector with the default parameters and an estimated reference. */
    public Cusum() {
    }

    /**
     * A detector that estimates {@code mu} and {@code sigma} from the first {@code warmup} samples (and after each
     * alarm).
     *
     * @param k      reference value in standard deviations, {@code >= 0}
     * @param h      decision interval in standard deviations, {@code > 0}
     * @param warmup warm-up length, {@code >= 2}
     */
    public static Cusum withWarmup(double k, double h, int warmup) {
        Cusum c = new Cusum();
        c.setParameters(k, h);
        if (warmup < 2) {
            throw new IllegalArgumentException("warmup " + warmup + " must be >= 2 to estimate a standard deviation");
        }
        c.warmup = warmup;
        return c;
    }

    /**
     * A detector with a given reference.
     *
     * @param k    reference value in standard deviations, {@code >= 0}
     * @param h    decision interval in standard deviations, {@code > 0}
     * @param mu   in-control mean, series units
     * @param sigma in-control standard deviation, series units, {@code > 0}
     */
    public static Cusum withReference(double k, double h, double mu, double sigma) {
        Cusum c = new Cusum();
        c.setParameters(k, h);
        if (!Double.isFinite(mu)) {
            throw new IllegalArgumentException("mu " + mu + " must be finite");
        }
        if (!(sigma > 0.0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma " + sigma + " must be finite and > 0");
        }
        c.estimated = false;
        c.warmup = 0;
        c.mean = mu;
        c.std = sigma;
        return c;
    }

    private void setParameters(double k, double h) {
        if (!(k >= 0.0) || Double.isInfinite(k)) {
            throw new IllegalArgumentException("k " + k + " must be finite and >= 0");
        }
        if (!(h > 0.0) || Double.isInfinite(h)) {
            throw new IllegalArgumentException("h " + h + " must be finite and > 0");
        }
        this.k = k;
        this.h = h;
    }

    /** Whether the reference is known (given, or the warm-up is complete). */
    public boolean hasReference() {
        return !estimated || warmN >= warmup;
    }

    @Override
    public Detection update(double x) {
        ChangeDetector.requireFinite(x);
        long index = samples++;
        if (!hasReference()) {
            warmN++;
            double d = x - warmMean;
            warmMean += d / warmN;
            warmM2 += d * (x - warmMean);
            if (warmN == warmup) {
                mean = warmMean;
                std = Math.sqrt(warmM2 / (warmN - 1));
            }
            return Detection.none(0.0, h, index);
        }
        double z = (x - mean) / Math.max(std, minStd);
        sHigh = Math.max(0.0, sHigh + z - k);
        sLow = Math.max(0.0, sLow - z - k);
        double statistic = Math.max(sHigh, sLow);
        if (statistic > h) {
            Direction direction = sHigh >= sLow ? Direction.UP : Direction.DOWN;
            alarms++;
            restartAfterAlarm();
            return Detection.alarm(direction, statistic, h, index);
        }
        return Detection.none(statistic, h, index);
    }

    private void restartAfterAlarm() {
        sHigh = 0.0;
        sLow = 0.0;
        if (estimated) {
            warmN = 0;
            warmMean = 0.0;
            warmM2 = 0.0;
        }
    }

    /** Zeroes both sums; with an estimated reference also forgets it and starts a new warm-up. */
    @Override
    public void reset() {
        restartAfterAlarm();
    }

    @Override
    public String detectorName() {
        return "cusum";
    }

    @Override
    public String toString() {
        return "Cusum{k=" + k + ", h=" + h + ", estimated=" + estimated + ", warmup=" + warmup + ", mean=" + mean
                + ", std=" + std + ", samples=" + samples + ", alarms=" + alarms + '}';
    }
}
