package io.omnistream.flink.drift;

import java.io.Serializable;

/**
 * The outcome of a two-sample Kolmogorov-Smirnov test of a current window against a reference window. Immutable,
 * serializable.
 *
 * @param statistic           {@code D = max(statisticUp, statisticDown)} = {@code sup_x |F_ref(x) - F_cur(x)|}
 * @param statisticUp         {@code sup_x (F_ref(x) - F_cur(x))}: how far the current scores moved <i>up</i>
 * @param statisticDown       {@code sup_x (F_cur(x) - F_ref(x))}: how far the current scores moved <i>down</i>
 * @param referenceSize       {@code n}, samples in the reference window
 * @param currentSize         {@code m}, samples in the current window
 * @param effectiveSize       {@code n_e = n m / (n + m)}
 * @param lambda              {@code (sqrt(n_e) + 0.12 + 0.11 / sqrt(n_e)) D}, the argument of {@code Q_KS}
 * @param pValue              {@code Q_KS(lambda)}, the asymptotic two-sided p-value with Stephens' small-sample
 *                            correction (Numerical Recipes)
 * @param statisticErrorBound how much larger the statistic of the raw scores can be than {@code statistic}: 0 for raw
 *                            samples, the largest single-bin share of either window for histograms (the true D lies in
 *                            {@code [statistic, statistic + bound]})
 */
public record KsResult(double statistic, double statisticUp, double statisticDown, long referenceSize,
                       long currentSize, double effectiveSize, double lambda, double pValue,
                       double statisticErrorBound) implements Serializable {

    /**
     * The direction of the shift: {@link Direction#UP} if {@code statisticUp > statisticDown},
     * {@link Direction#DOWN} if less; null if they are equal (e.g. a change of spread around the same centre).
     */
    public Direction direction() {
        int c = Double.compare(statisticUp, statisticDown);
        return c > 0 ? Direction.UP : c < 0 ? Direction.DOWN : null;
    }

    /** Whether the test rejects "same distribution" at level {@code alpha}: {@code pValue < alpha}. */
    public boolean rejects(double alpha) {
        return pValue < alpha;
    }

    /**
     * Whether this is drift worth an alert: significant at {@code alpha} and {@code statistic >= minStatistic} (with
     * large windows, tiny irrelevant differences are significant; the effect-size floor keeps them quiet).
     */
    public boolean isDrift(double alpha, double minStatistic) {
        return rejects(alpha) && statistic >= minStatistic;
    }

    /**
     * {@link #isDrift(double, double)} with {@link KolmogorovSmirnov#DEFAULT_ALPHA} and
     * {@link KolmogorovSmirnov#DEFAULT_MIN_STATISTIC}.
     */
    public boolean isDrift() {
        return isDrift(KolmogorovSmirnov.DEFAULT_ALPHA, KolmogorovSmirnov.DEFAULT_MIN_STATISTIC);
    }
}
