package io.omnistream.flink.drift;

import java.util.Arrays;
import java.util.Objects;

/**
 * Two-sample Kolmogorov-Smirnov test, as in Numerical Recipes (Press et al., 3rd ed., §14.3.3, {@code kstwo} and
 * {@code KSdist}): statistic {@code D = sup_x |F_ref(x) - F_cur(x)|} of the two empirical CDFs, and the asymptotic
 * p-value {@code Q_KS(lambda)} with {@code lambda = (sqrt(n_e) + 0.12 + 0.11 / sqrt(n_e)) D}, {@code n_e = n m / (n +
 * m)} (Stephens' correction, good already for {@code n_e >= 4}), where
 * <pre>
 *   Q_KS(lambda) = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 lambda^2)
 * </pre>
 * is the Kolmogorov distribution's survival function. For {@code lambda < 1.18} the alternating series converges
 * slowly, so {@link #kolmogorovQ} uses the equivalent Jacobi-theta form {@code 1 - sqrt(2 pi) / lambda sum_{j>=1}
 * exp(-(2j-1)^2 pi^2 / (8 lambda^2))} there (4 terms; 3 terms of the alternating series above), both accurate to
 * double rounding. Note that SciPy's {@code ks_2samp(method='asymp')} uses a different approximation (the exact
 * one-sample distribution {@code kstwo.sf(D, round(n_e))}); its p-values differ from these in the second digit for
 * small samples.
 *
 * <p><b>Ties</b> between and within samples are handled exactly for raw samples (the ECDFs step together at a tied
 * value); the p-value assumes continuous data and is conservative with many ties.
 *
 * <p><b>Histograms.</b> {@link #twoSample(ScoreHistogram, ScoreHistogram)} evaluates the ECDFs at the bin edges, which
 * is the exact D of the scores rounded to their bins. Let {@code D} be that and {@code D_raw} the statistic of the
 * unbinned scores; then {@code D <= D_raw <= D + max_i max(p_ref,i, p_cur,i)} with {@code p_.,i} the share of a
 * window's scores in bin {@code i} (within one bin each ECDF rises by at most that share). The bound is reported as
 * {@link KsResult#statisticErrorBound()}. The p-value uses the window sizes as they are (binning only creates ties).
 *
 * <p><b>Defaults for drift alerts</b>: {@link #DEFAULT_ALPHA} = 0.001, since a window is tested again and again
 * against the same reference (at 0.001 a stationary stream raises about one false alert per thousand window
 * closes), and {@link #DEFAULT_MIN_STATISTIC} = 0.05 (5 percentage points of CDF), since with windows of 10^5
 * scores a D of 0.01 is already significant but not worth waking anyone for.
 */
public final class KolmogorovSmirnov {

    /** Default significance level of a drift alert. */
    public static final double DEFAULT_ALPHA = 1e-3;
    /** Default smallest statistic D of a drift alert. */
    public static final double DEFAULT_MIN_STATISTIC = 0.05;

    private static final double PI_SQUARED_OVER_8 = Math.PI * Math.PI / 8.0;
    private static final double SQRT_2PI = Math.sqrt(2.0 * Math.PI);

    private KolmogorovSmirnov() {
    }

    /**
     * Tests two raw samples; the arrays are not modified.
     *
     * @param reference the reference window, not empty, no NaN
     * @param current   the current window, not empty, no NaN
     */
    public static KsResult twoSample(double[] reference, double[] current) {
        double[] a = sortedCopy(reference, "reference");
        double[] b = sortedCopy(current, "current");
        long n = a.length;
        long m = b.length;
        // Walk both sorted samples; at each distinct value both ECDFs step over all their copies of it. The
        // difference is kept as the integer j1*m - j2*n over n*m, so D is one correctly rounded division.
        int j1 = 0;
        int j2 = 0;
        long maxUp = 0;
        long maxDown = 0;
        while (j1 < n && j2 < m) {
            double x = Math.min(a[j1], b[j2]);
            while (j1 < n && a[j1] == x) {
                j1++;
            }
            while (j2 < m && b[j2] == x) {
                j2++;
            }
            long diff = j1 * m - j2 * n;
            maxUp = Math.max(maxUp, diff);
            maxDown = Math.max(maxDown, -diff);
        }
        double nm = (double) n * m;
        return result(maxUp / nm, maxDown / nm, n, m, 0.0);
    }

    /** Tests two histogram windows with the same bins; see the class documentation for the binning error. */
    public static KsResult twoSample(ScoreHistogram reference, ScoreHistogram current) {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(current, "current");
        if (reference.bins() != current.bins()) {
            throw new IllegalArgumentException(
                    "histograms have " + reference.bins() + " and " + current.bins() + " bins");
        }
        long n = reference.total;
        long m = current.total;
        if (n == 0 || m == 0) {
            throw new IllegalArgumentException("empty window (reference " + n + ", current " + m + " scores)");
        }
        long c1 = 0;
        long c2 = 0;
        double maxUp = 0.0;
        double maxDown = 0.0;
        for (int i = 0; i < reference.bins(); i++) {
            c1 += reference.counts[i];
            c2 += current.counts[i];
            double diff = (double) c1 / n - (double) c2 / m;
            maxUp = Math.max(maxUp, diff);
            maxDown = Math.max(maxDown, -diff);
        }
        double bound = Math.max(reference.maxBinShare(), current.maxBinShare());
        return result(maxUp, maxDown, n, m, bound);
    }

    /**
     * The asymptotic p-value of a two-sample statistic: {@code Q_KS((sqrt(n_e) + 0.12 + 0.11 / sqrt(n_e)) d)}.
     *
     * @param d statistic in {@code [0, 1]}
     * @param n size of one sample, {@code >= 1}
     * @param m size of the other, {@code >= 1}
     */
    public static double pValue(double d, long n, long m) {
        return kolmogorovQ(lambda(d, effectiveSize(n, m)));
    }

    /** {@code Q_KS(lambda) = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 lambda^2)}; 1 at 0, decreasing to 0. */
    public static double kolmogorovQ(double lambda) {
        if (!(lambda >= 0.0)) {
            throw new IllegalArgumentException("lambda " + lambda + " must be >= 0");
        }
        if (lambda == 0.0) {
            return 1.0;
        }
        if (lambda < 1.18) {
            // 1 - P_KS with P_KS(l) = sqrt(2 pi) / l * sum_j y^((2j-1)^2), y = exp(-pi^2 / (8 l^2)); y < 0.42 here, so
            // the fifth term y^81 < 1e-30 is below double rounding of the sum.
            double y = Math.exp(-PI_SQUARED_OVER_8 / (lambda * lambda));
            double y9 = Math.pow(y, 9);
            double y25 = Math.pow(y, 25);
            double y49 = Math.pow(y, 49);
            return 1.0 - SQRT_2PI / lambda * (y + y9 + y25 + y49);
        }
        // x = exp(-2 l^2) < 0.062 here, so the fourth term x^16 < 1e-19 is below double rounding.
        double x = Math.exp(-2.0 * lambda * lambda);
        return 2.0 * (x - Math.pow(x, 4) + Math.pow(x, 9));
    }

    static double effectiveSize(long n, long m) {
        if (n < 1 || m < 1) {
            throw new IllegalArgumentException("sample sizes " + n + " and " + m + " must be >= 1");
        }
        return (double) n * m / ((double) n + m);
    }

    static double lambda(double d, double effectiveSize) {
        double root = Math.sqrt(effectiveSize);
        return (root + 0.12 + 0.11 / root) * d;
    }

    private static KsResult result(double up, double down, long n, long m, double bound) {
        double d = Math.max(up, down);
        double ne = effectiveSize(n, m);
        double lambda = lambda(d, ne);
        return new KsResult(d, up, down, n, m, ne, lambda, kolmogorovQ(lambda), bound);
    }

    private static double[] sortedCopy(double[] sample, String what) {
        Objects.requireNonNull(sample, what);
        if (sample.length == 0) {
            throw new IllegalArgumentException(what + " sample is empty");
        }
        double[] copy = sample.clone();
        for (double x : copy) {
            if (Double.isNaN(x)) {
                throw new IllegalArgumentException(what + " sample contains NaN");
            }
        }
        Arrays.sort(copy);
        return copy;
    }
}
