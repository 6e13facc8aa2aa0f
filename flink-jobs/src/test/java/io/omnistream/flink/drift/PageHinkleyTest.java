package io.omnistream.flink.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class PageHinkleyTest {

    private static final Offset<Double> EPS = within(1e-12);

    /*
     * delta 0.1, lambda 1, minSamples 1; samples 0, 0, 0, 2:
     *   t1..t3: x = mean = 0, deviation 0: m = -0.1, -0.2, -0.3 (M follows it, up = 0);
     *           p = 0.1, 0.2, 0.3 (P follows it, down = 0)
     *   t4: mean = 2/4 = 0.5, deviation 1.5: m = -0.3 + 1.5 - 0.1 = 1.1, M = -0.3 -> up = 1.4 > 1: alarm UP
     *       (p = 0.3 + 1.5 + 0.1 = 1.9 = P, down = 0)
     */
    @Test
    void handWorkedRise() {
        PageHinkley ph = new PageHinkley(0.1, 1.0, 1);
        for (int i = 0; i < 3; i++) {
            Detection d = ph.update(0.0);
            assertThat(d.isAlarm()).isFalse();
            assertThat(d.statistic()).isCloseTo(0.0, EPS);
            assertThat(d.sampleIndex()).isEqualTo(i);
        }
        Detection alarm = ph.update(2.0);
        assertThat(alarm.direction()).isEqualTo(Direction.UP);
        assertThat(alarm.statistic()).isCloseTo(1.4, EPS);
        assertThat(alarm.threshold()).isEqualTo(1.0);
        assertThat(alarm.sampleIndex()).isEqualTo(3);
        assertThat(ph.alarms).isEqualTo(1);

        // reset after the alarm: the next sample starts a new mean (2), deviation 0: m = -0.1 = M, p = 0.1 = P,
        // statistic 0 
        Detection next = ph.update(2.0);
        assertThat(next.isAlarm()).isFalse();
        assertThat(next.statistic()).isCloseTo(0.0, EPS);
        assertThat(ph.n).isEqualTo(1);
        assertThat(ph.mean).isEqualTo(2.0);
        assertThat(next.sampleIndex()).isEqualTo(4);
    }

    /*
     * Mirror image: samples 1, 1, 1, -1: t1..t3 p = 0.1, 0.2, 0.3 = P; t4: mean = 2/4 = 0.5, deviation -1.5:
     * p = 0.3 - 1.5 + 0.1 = -1.1, down = 0.3 + 1.1 = 1.4 > 1: alarm DOWN.
     */
    @Test
    void handWorkedFall() {
        PageHinkley ph = new PageHinkley(0.1, 1.0, 1);
        ph.update(1.0);
        ph.update(1.0);
        ph.update(1.0);
        Detection alarm = ph.update(-1.0);
        assertThat(alarm.direction()).isEqualTo(Direction.DOWN);
        assertThat(alarm.statistic()).isCloseTo(1.4, EPS);
    }

    /*
     * minSamples 5 on 0, 0, 0, 2: t4 has statistic 1.4 but only 4 samples -> no alarm;
     * t5 = 2: mean = 4/5 = 0.8, deviation 1.2: m = 1.1 + 1.2 - 0.1 = 2.2, M = -0.3 -> up = 2.5 > 1: alarm at index 4.
     */
    @Test
    void minSamplesHoldsTheAlarmBack() {
        PageHinkley ph = new PageHinkley(0.1, 1.0, 5);
        ph.update(0.0);
        ph.update(0.0);
        ph.update(0.0);
        Detection held = ph.update(2.0);
        assertThat(held.isAlarm()).isFalse();
        assertThat(held.statistic()).isCloseTo(1.4, EPS);
        Detection alarm = ph.update(2.0);
        assertThat(alarm.direction()).isEqualTo(Direction.UP);
        assertThat(alarm.statistic()).isCloseTo(2.5, EPS);
        assertThat(alarm.sampleIndex()).isEqualTo(4);
    }

    /**
     * Defaults on a step of the mean 0.70 -> 0.55 (noise sigma 0.01) after 500 samples. Stated bound: each sample
     * after the step adds about 0.15 - delta = 0.14 to the downward statistic, so it crosses lambda = 0.1 within
     * ceil(0.1 / 0.14) = 1 sample; we allow 2 for noise. No alarm before the step.
     */
    @Test
    void detectsAStepDownWithinTwoSamples() {
        for (long seed = 1; seed <= 20; seed++) {
            double[] series = SyntheticSeries.step(seed, 700, 500, 0.70, 0.55, 0.01);
            Detection alarm = SyntheticSeries.firstAlarm(new PageHinkley(), series);
            assertThat(alarm).as("seed " + seed).isNotNull();
            assertThat(alarm.sampleIndex()).as("seed " + seed).isBetween(500L, 501L);
            assertThat(alarm.direction()).isEqualTo(Direction.DOWN);
        }
    }

    @Test
    void detectsAStepUpWithinTwoSamples() {
        for (long seed = 1; seed <= 20; seed++) {
            double[] series = SyntheticSeries.step(seed, 700, 500, 0.55, 0.70, 0.01);
            Detection alarm = SyntheticSeries.firstAlarm(new PageHinkley(), series);
            assertThat(alarm).as("seed " + seed).isNotNull();
            assertThat(alarm.sampleIndex()).as("seed " + seed).isBetween(500L, 501L);
            assertThat(alarm.direction()).isEqualTo(Direction.UP);
        }
    }

    /** Defaults: 10,000 stationary samples (mean 0.70, sigma 0.01) raise no alarm, for several seeds. */
    @Test
    void stationaryNoiseRaisesNoAlarm() {
        for (long seed = 1; seed <= 5; seed++) {
            PageHinkley ph = new PageHinkley();
            for (double x : SyntheticSeries.stationary(seed, 10_000, 0.70, 0.01)) {
                assertThat(ph.update(x).isAlarm()).as("seed " + seed).isFalse();
            }
            assertThat(ph.samples).isEqualTo(10_000);
        }
    }

    @Test
    void aPersistingShiftAlarmsOnceThenTheDetectorRelearns() {
        double[] series = SyntheticSeries.step(11, 3000, 500, 0.70, 0.55, 0.01);
        PageHinkley ph = new PageHinkley();
        for (double x : series) {
            ph.update(x);
        }
        assertThat(ph.alarms).isEqualTo(1);
        assertThat(ph.mean).isCloseTo(0.55, within(0.005));
    }

    @Test
    void scaledToNoiseScalesTheParameters() {
        PageHinkley ph = PageHinkley.scaledToNoise(0.05);
        assertThat(ph.delta).isEqualTo(0.05);
        assertThat(ph.lambda).isCloseTo(0.5, EPS);
        // the same step in units of sigma (15 sigma) is found as fast
        Detection alarm = SyntheticSeries.firstAlarm(ph, SyntheticSeries.step(3, 700, 500, 0.5, -0.25, 0.05));
        assertThat(alarm.sampleIndex()).isBetween(500L, 501L);
    }

    @Test
    void rejectsBadInput() {
        PageHinkley ph = new PageHinkley();
        assertThatThrownBy(() -> ph.update(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ph.samples).isZero();
        assertThatThrownBy(() -> new PageHinkley(-1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PageHinkley(0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PageHinkley(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ph.detectorName()).isEqualTo("page-hinkley");
    }
}
