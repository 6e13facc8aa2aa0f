package io.omnistream.flink.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Expected values were computed independently with SciPy 1.17.1 (python3 -m venv /tmp/scipy-venv; pip install
 * scipy):
 * <pre>
 * r = scipy.stats.ks_2samp(ref, cur, method='asymp')          # D (and SciPy's own p-value, noted below)
 * ne = n*m/(n+m); lam = (sqrt(ne) + 0.12 + 0.11/sqrt(ne)) * r.statistic
 * p = scipy.special.kolmogorov(lam)                            # Q_KS(lam): the Numerical Recipes p-value
 * </pre>
 * SciPy's own asymptotic p-value is {@code kstwo.sf(D, round(ne))}, the exact one-sample distribution at the
 * rounded effective size, not NR's formula; it is noted per case for comparison, not asserted.
 */
class KolmogorovSmirnovTest {

    // Case A: no ties.
    private static final double[] A_REF = {0.61, 0.72, 0.55, 0.80, 0.67, 0.74, 0.59, 0.70};
    private static final double[] A_CUR = {0.52, 0.48, 0.63, 0.57, 0.45, 0.60, 0.50};
    // Case B: ties within and between the samples.
    private static final double[] B_REF = {0.1, 0.2, 0.2, 0.3, 0.4};
    private static final double[] B_CUR = {0.2, 0.3, 0.3, 0.5};

    /*
     * Case A by hand, F_ref - F_cur after each distinct value (sorted ref 0.55 0.59 0.61 0.67 0.70 0.72 0.74 0.80;
     * cur 0.45 0.48 0.50 0.52 0.57 0.60 0.63):
     *   0.45..0.52: 0 - 4/7; 0.55: 1/8 - 4/7 = -25/56; 0.57: 1/8 - 5/7 = -33/56; 0.59: 2/8 - 5/7 = -26/56;
     *   0.60: 2/8 - 6/7 = -34/56; 0.61: 3/8 - 6/7 = -27/56; 0.63: 3/8 - 1 = -35/56; then rising to 0.
     *   D = 35/56 = 0.625, all on the "current lower" side: statisticDown 0.625, statisticUp 0 -> DOWN.
     * n_e = 56/15; lambda = (1.932184 + 0.12 + 0.056930) * 0.625 = 1.31819623425271
     * SciPy: D 0.625, Q_KS(lambda) 0.06190433311880968; SciPy's own asymp p 0.04931640625, statistic_sign -1.
     */
    @Test
    void caseAMatchesScipyAndTheHandWorkedStatistic() {
        KsResult r = KolmogorovSmirnov.twoSample(A_REF, A_CUR);
        assertThat(r.statistic()).isEqualTo(0.625);
        assertThat(r.statisticDown()).isEqualTo(0.625);
        assertThat(r.statisticUp()).isEqualTo(0.0);
        assertThat(r.direction()).isEqualTo(Direction.DOWN);
        assertThat(r.referenceSize()).isEqualTo(8);
        assertThat(r.currentSize()).isEqualTo(7);
        assertThat(r.effectiveSize()).isCloseTo(56.0 / 15.0, within(1e-15));
        assertThat(r.lambda()).isCloseTo(1.31819623425271, within(1e-14));
        assertThat(r.pValue()).isCloseTo(0.06190433311880968, within(1e-15));
        assertThat(r.statisticErrorBound()).isZero();
    }

    /*
     * Case B by hand (ties: an ECDF steps over all copies of a value at once):
     *   0.1: 1/5 - 0 = 0.2; 0.2: 3/5 - 1/4 = 0.35; 0.3: 4/5 - 3/4 = 0.05; 0.4: 1 - 3/4 = 0.25; 0.5: 0.
     *   D = 0.35, statisticUp (current higher) -> UP. (Stepping over one 0.2 at a time would give 0.4.)
     * SciPy: D 0.35, lambda 0.5895757798900734, Q_KS 0.8777771901764329; SciPy's own asymp p 0.92, sign +1.
     */
    @Test
    void caseBWithTiesMatchesScipyAndTheHandWorkedStatistic() {
        KsResult r = KolmogorovSmirnov.twoSample(B_REF, B_CUR);
        assertThat(r.statistic()).isCloseTo(0.35, within(1e-15));
        assertThat(r.statisticUp()).isCloseTo(0.35, within(1e-15));
        assertThat(r.statisticDown()).isEqualTo(0.0);
        assertThat(r.direction()).isEqualTo(Direction.UP);
        assertThat(r.lambda()).isCloseTo(0.5895757798900734, within(1e-14));
        assertThat(r.pValue()).isCloseTo(0.8777771901764329, within(1e-14));
    }

    /*
     * Case C: ref_i = ((37 i) mod 101) / 101 for i = 0..199, cur_i = ((53 i) mod 103) / 103 * 0.9 + 0.15 for
     * i = 0..149 (the same doubles in Java and Python). SciPy: D 0.16, lambda 1.5024131769076152,
     * Q_KS 0.02189833132277803; SciPy's own asymp p 0.021681597086889486, sign +1 (current higher).
     */
    @Test
    void caseCLargerSamplesMatchScipy() {
        double[] ref = new double[200];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = ((i * 37) % 101) / 101.0;
        }
        double[] cur = new double[150];
        for (int i = 0; i < cur.length; i++) {
            cur[i] = ((i * 53) % 103) / 103.0 * 0.9 + 0.15;
        }
        KsResult r = KolmogorovSmirnov.twoSample(ref, cur);
        assertThat(r.statistic()).isCloseTo(0.16, within(1e-15));
        assertThat(r.direction()).isEqualTo(Direction.UP);
        assertThat(r.lambda()).isCloseTo(1.5024131769076152, within(1e-13));
        assertThat(r.pValue()).isCloseTo(0.02189833132277803, within(1e-14));
        assertThat(r.rejects(0.05)).isTrue();
        assertThat(r.rejects(0.01)).isFalse();
    }

    @Test
    void swappingTheWindowsSwapsTheDirectionOnly() {
        KsResult forward = KolmogorovSmirnov.twoSample(A_REF, A_CUR);
        KsResult backward = KolmogorovSmirnov.twoSample(A_CUR, A_REF);
        assertThat(backward.statistic()).isEqualTo(forward.statistic());
        assertThat(backward.pValue()).isEqualTo(forward.pValue());
        assertThat(backward.direction()).isEqualTo(Direction.UP);
        assertThat(KolmogorovSmirnov.twoSample(A_REF, A_REF.clone()).statistic()).isZero();
        assertThat(KolmogorovSmirnov.twoSample(A_REF, A_REF.clone()).pValue()).isEqualTo(1.0);
        assertThat(KolmogorovSmirnov.twoSample(A_REF, A_REF.clone()).direction()).isNull();
    }

    /** scipy.special.kolmogorov(lambda), on both sides of the series switch at 1.18. */
    @Test
    void kolmogorovQMatchesScipy() {
        double[][] cases = {
            {0.05, 1.0},
            {0.3, 0.9999906941986655},
            {0.5, 0.9639452436648751},
            {0.8, 0.5441424115741981},
            {1.0, 0.26999967167735456},
            {1.17, 0.12939004218561884},
            {1.18, 0.1234538094297657},
            {1.19, 0.11774229287977166},
            {1.5, 0.022217962616525127},
            {2.0, 0.0006709252557796953},
            {3.0, 3.045995948942526e-08},
        };
        for (double[] c : cases) {
            assertThat(KolmogorovSmirnov.kolmogorovQ(c[0])).as("Q_KS(%s)", c[0])
                    .isCloseTo(c[1], within(1e-15 + 1e-12 * c[1]));
        }
        assertThat(KolmogorovSmirnov.kolmogorovQ(0.0)).isEqualTo(1.0);
        assertThat(KolmogorovSmirnov.pValue(0.625, 8, 7)).isCloseTo(0.06190433311880968, within(1e-15));
    }

    /** Values at most 0.01 apart land in different bins (width 0.001) in order, so binning changes nothing. */
    @Test
    void histogramsOfWellSeparatedValuesGiveTheExactResult() {
        KsResult raw = KolmogorovSmirnov.twoSample(A_REF, A_CUR);
        KsResult binned = KolmogorovSmirnov.twoSample(histogram(A_REF, ScoreHistogram.DEFAULT_BINS),
                histogram(A_CUR, ScoreHistogram.DEFAULT_BINS));
        assertThat(binned.statistic()).isEqualTo(raw.statistic());
        assertThat(binned.pValue()).isEqualTo(raw.pValue());
        assertThat(binned.direction()).isEqualTo(Direction.DOWN);
        assertThat(binned.statisticErrorBound()).isCloseTo(1.0 / 7.0, within(1e-15));   // max(1/8, 1/7)

        KsResult tiesBinned = KolmogorovSmirnov.twoSample(histogram(B_REF, 2000), histogram(B_CUR, 2000));
        assertThat(tiesBinned.statistic()).isCloseTo(0.35, within(1e-15));
        assertThat(tiesBinned.statisticErrorBound()).isEqualTo(0.5);                     // max(2/5, 2/4)
    }

    /** D_binned <= D_raw <= D_binned + bound, on coarse bins (50, width 0.04) where the bound matters. */
    @Test
    void binnedStatisticIsWithinTheStatedBoundOfTheRawOne() {
        int strictlyBelow = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            double[] ref = new double[500];
            double[] cur = new double[400];
            for (int i = 0; i < ref.length; i++) {
                ref[i] = 0.30 + 0.1 * random.nextGaussian();
            }
            for (int i = 0; i < cur.length; i++) {
                cur[i] = 0.32 + 0.1 * random.nextGaussian();
            }
            KsResult raw = KolmogorovSmirnov.twoSample(ref, cur);
            KsResult binned = KolmogorovSmirnov.twoSample(histogram(ref, 50), histogram(cur, 50));
            assertThat(binned.statistic()).as("seed " + seed).isLessThanOrEqualTo(raw.statistic() + 1e-12);
            assertThat(raw.statistic()).as("seed " + seed)
                    .isLessThanOrEqualTo(binned.statistic() + binned.statisticErrorBound() + 1e-12);
            if (binned.statistic() < raw.statistic() - 1e-12) {
                strictlyBelow++;
            }
        }
        assertThat(strictlyBelow).as("binning must matter at width 0.04 for the check to mean anything")
                .isPositive();
    }

    /**
     * Default alert rule on windows of 1,000 scores each: same distribution -> about alpha * 200 = 0.2 false alerts
     * expected over 200 seeds (we allow 2); a shift of the mean by 0.05 (half a standard deviation, D about 0.2)
     * alerts for every seed, direction DOWN.
     */
    @Test
    void defaultDriftRuleOnHistogramWindows() {
        int falseAlerts = 0;
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            ScoreHistogram reference = new ScoreHistogram();
            ScoreHistogram same = new ScoreHistogram();
            ScoreHistogram shifted = new ScoreHistogram();
            for (int i = 0; i < 1000; i++) {
                reference.add(0.50 + 0.1 * random.nextGaussian());
                same.add(0.50 + 0.1 * random.nextGaussian());
                shifted.add(0.45 + 0.1 * random.nextGaussian());
            }
            if (KolmogorovSmirnov.twoSample(reference, same).isDrift()) {
                falseAlerts++;
            }
            KsResult drift = KolmogorovSmirnov.twoSample(reference, shifted);
            assertThat(drift.isDrift()).as("seed " + seed).isTrue();
            assertThat(drift.direction()).isEqualTo(Direction.DOWN);
        }
        assertThat(falseAlerts).isLessThanOrEqualTo(2);
    }

    @Test
    void rejectsEmptyOrMismatchedInput() {
        assertThatThrownBy(() -> KolmogorovSmirnov.twoSample(new double[0], A_CUR))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KolmogorovSmirnov.twoSample(A_REF, new double[] {Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KolmogorovSmirnov.twoSample(new ScoreHistogram(), histogram(A_CUR, 2000)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KolmogorovSmirnov.twoSample(histogram(A_REF, 10), histogram(A_CUR, 20)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KolmogorovSmirnov.kolmogorovQ(-0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static ScoreHistogram histogram(double[] scores, int bins) {
        ScoreHistogram h = new ScoreHistogram(bins);
        for (double s : scores) {
            h.add(s);
        }
        return h;
    }
}
