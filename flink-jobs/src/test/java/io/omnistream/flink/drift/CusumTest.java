package io.omnistream.flink.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class CusumTest {

    private static final Offset<Double> EPS = within(1e-12);

    /*
     * mu 0, sigma 1, k 0.5, h 2; samples 1, 1, 1, 1, 1 (z = 1): S+ = 0.5, 1.0, 1.5, 2.0 (not > 2), 2.5 > 2 -> alarm UP
     * at index 4; S- = max(0, -1 - 0.5) = 0 throughout. The given reference is kept: the next 1 gives S+ = 0.5.
     */
    @Test
    void handWorkedRiseWithGivenReference() {
        Cusum cusum = Cusum.withReference(0.5, 2.0, 0.0, 1.0);
        double[] expected = {0.5, 1.0, 1.5, 2.0};
        for (int i = 0; i < 4; i++) {
            Detection d = cusum.update(1.0);
            assertThat(d.isAlarm()).isFalse();
            assertThat(d.statistic()).isCloseTo(expected[i], EPS);
        }
        Detection alarm = cusum.update(1.0);
        assertThat(alarm.direction()).isEqualTo(Direction.UP);
        assertThat(alarm.statistic()).isCloseTo(2.5, EPS);
        assertThat(alarm.threshold()).isEqualTo(2.0);
        assertThat(alarm.sampleIndex()).isEqualTo(4);

        Detection after = cusum.update(1.0);
        assertThat(after.isAlarm()).isFalse();
        assertThat(after.statistic()).isCloseTo(0.5, EPS);
        assertThat(cusum.mean).isEqualTo(0.0);
        assertThat(cusum.std).isEqualTo(1.0);
    }

    /* x = -3, z = -3: S- = 0 + 3 - 0.5 = 2.5 > 2 -> alarm DOWN at the first sample. */
    @Test
    void handWorkedFall() {
        Detection alarm = Cusum.withReference(0.5, 2.0, 0.0, 1.0).update(-3.0);
        assertThat(alarm.direction()).isEqualTo(Direction.DOWN);
        assertThat(alarm.statistic()).isCloseTo(2.5, EPS);
        assertThat(alarm.sampleIndex()).isZero();
    }

    /* mu 10, sigma 2: x = 13 is z = 1.5, S+ = 1.5 - 0.5 = 1.0. */
    @Test
    void standardisesWithTheReference() {
        assertThat(Cusum.withReference(0.5, 2.0, 10.0, 2.0).update(13.0).statistic()).isCloseTo(1.0, EPS);
    }

    /*
     * warm-up 4 on 1, 2, 3, 4: mean 2.5, deviations -1.5, -0.5, 0.5, 1.5 -> sum of squares 5, sample variance 5/3,
     * std sqrt(5/3) = 1.2909944487358056. Then x = 2.5 + 3 std is z = 3: S+ = 3 - k(1) = 2.
     */
    @Test
    void estimatesTheReferenceFromTheWarmUp() {
        Cusum cusum = Cusum.withWarmup(1.0, 10.0, 4);
        for (double x : new double[] {1, 2, 3, 4}) {
            Detection d = cusum.update(x);
            assertThat(d.isAlarm()).isFalse();
            assertThat(d.statistic()).isZero();
        }
        assertThat(cusum.hasReference()).isTrue();
        assertThat(cusum.mean).isCloseTo(2.5, EPS);
        assertThat(cusum.std).isCloseTo(Math.sqrt(5.0 / 3.0), EPS);
        assertThat(cusum.update(2.5 + 3.0 * Math.sqrt(5.0 / 3.0)).statistic()).isCloseTo(2.0, EPS);
    }

    /*
     * warm-up 4 on 1, 2, 3, 4 (mean 2.5, std 1.2909944487358056), h 2: x = 10 is z = 7.5 / 1.29099 = 5.8095, S+ =
     * 4.8095 > 2 -> alarm, and a new warm-up starts: 10, 10, 10, 10 give mean 10 and std 0, floored to 1e-6. Then 10
     * is z = 0 (no alarm) and 10 + 5e-6 is z = 5, S+ = 4 > 2 -> alarm: any change of a constant series alarms.
     */
    @Test
    void alarmRestartsTheWarmUpAndTheStdIsFloored() {
        Cusum cusum = Cusum.withWarmup(1.0, 2.0, 4);
        for (double x : new double[] {1, 2, 3, 4}) {
            cusum.update(x);
        }
        Detection first = cusum.update(10.0);
        assertThat(first.direction()).isEqualTo(Direction.UP);
        assertThat(first.statistic()).isCloseTo(7.5 / Math.sqrt(5.0 / 3.0) - 1.0, EPS);
        assertThat(cusum.hasReference()).isFalse();
        for (int i = 0; i < 4; i++) {
            assertThat(cusum.update(10.0).isAlarm()).isFalse();
        }
        assertThat(cusum.mean).isEqualTo(10.0);
        assertThat(cusum.std).isZero();
        assertThat(cusum.update(10.0).statistic()).isZero();
        Detection second = cusum.update(10.0 + 5e-6);
        assertThat(second.direction()).isEqualTo(Direction.UP);
        assertThat(second.statistic()).isCloseTo(4.0, within(1e-6));
        assertThat(second.sampleIndex()).isEqualTo(10);
        assertThat(cusum.alarms).isEqualTo(2);
    }

    /** With a given reference a persisting 15-sigma shift alarms at every sample: h / (15 - k) < 1. */
    @Test
    void givenReferenceKeepsAlarmingWhileTheShiftPersists() {
        Cusum cusum = Cusum.withReference(Cusum.DEFAULT_K, Cusum.DEFAULT_H, 0.70, 0.01);
        double[] series = SyntheticSeries.step(5, 600, 500, 0.70, 0.55, 0.01);
        for (double x : series) {
            cusum.update(x);
        }
        assertThat(cusum.alarms).isEqualTo(100);
    }

    /**
     * Defaults on a step 0.70 -> 0.55 (sigma 0.01, 15 sigma) after 500 samples. Stated bound: S- grows by about
     * 15 - k = 14 per sample after the step, so it crosses h = 10 at the first sample; we allow 2 for noise and
     * for the reference's estimation error. No alarm before the step (including during the warm-up).
     */
    @Test
    void detectsAStepDownWithinTwoSamples() {
        for (long seed = 1; seed <= 20; seed++) {
            Detection alarm = SyntheticSeries.firstAlarm(new Cusum(),
                    SyntheticSeries.step(seed, 700, 500, 0.70, 0.55, 0.01));
            assertThat(alarm).as("seed " + seed).isNotNull();
            assertThat(alarm.sampleIndex()).as("seed " + seed).isBetween(500L, 501L);
            assertThat(alarm.direction()).isEqualTo(Direction.DOWN);
        }
    }

    @Test
    void detectsAStepUpWithinTwoSamples() {
        for (long seed = 1; seed <= 20; seed++) {
            Detection alarm = SyntheticSeries.firstAlarm(new Cusum(),
                    SyntheticSeries.step(seed, 700, 500, 0.55, 0.70, 0.01));
            assertThat(alarm).as("seed " + seed).isNotNull();
            assertThat(alarm.sampleIndex()).as("seed " + seed).isBetween(500L, 501L);
            assertThat(alarm.direction()).isEqualTo(Direction.UP);
        }
    }

    /** Defaults: 10,000 stationary samples (mean 0.70, sigma 0.01) raise no alarm, for several seeds. */
    @Test
    void stationaryNoiseRaisesNoAlarm() {
        for (long seed = 1; seed <= 5; seed++) {
            Cusum cusum = new Cusum();
            for (double x : SyntheticSeries.stationary(seed, 10_000, 0.70, 0.01)) {
                assertThat(cusum.update(x).isAlarm()).as("seed " + seed).isFalse();
            }
        }
    }

    @Test
    void rejectsBadInput() {
        Cusum cusum = new Cusum();
        assertThatThrownBy(() -> cusum.update(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        assertThat(cusum.samples).isZero();
        assertThatThrownBy(() -> Cusum.withWarmup(1, 5, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cusum.withReference(1, 5, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cusum.withReference(-1, 5, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cusum.withReference(1, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(cusum.detectorName()).isEqualTo("cusum");
    }
}
