package io.omnistream.flink.drift;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Measures the false-alarm rate and detection delay of the detectors' default thresholds; the numbers quoted in the
 * Javadoc of {@link PageHinkley} and {@link Cusum} come from this program. Not a unit test (about 20 s of CPU for
 * 1,000 seeds, and it reports rather than asserts). Run from the repository root after {@code mvn -pl flink-jobs
 * test-compile}:
 * <pre>
 * java -cp flink-jobs/target/classes:flink-jobs/target/test-classes \
 *     io.omnistream.flink.drift.DefaultThresholdsMeasurement 1000
 * </pre>
 * Series: Gaussian noise, sigma 0.01, {@code java.util.Random} seeded per sequence. Stationary: mean 0.70, 10,000
 * samples per seed (seeds 1000..). Step: 500 samples at 0.70, then 0.55 (15 sigma; seeds 5000..); small step: 0.70 ->
 * 0.68 (2 sigma; seeds 9000..). Delay = samples after the change up to and including the alarming one.
 */
public final class DefaultThresholdsMeasurement {

    private DefaultThresholdsMeasurement() {
    }

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Map<String, Supplier<ChangeDetector>> detectors = new LinkedHashMap<>();
        detectors.put("page-hinkley defaults", PageHinkley::new);
        detectors.put("cusum defaults", Cusum::new);
        detectors.put("cusum k=1 h=8 w=100", () -> Cusum.withWarmup(1.0, 8.0, 100));
        detectors.put("cusum k=0.5 h=12 w=100", () -> Cusum.withWarmup(0.5, 12.0, 100));
        for (Map.Entry<String, Supplier<ChangeDetector>> e : detectors.entrySet()) {
            long falseAlarms = 0;
            long sequencesWithAlarm = 0;
            for (int s = 0; s < seeds; s++) {
                ChangeDetector d = e.getValue().get();
                long before = falseAlarms;
                for (double x : SyntheticSeries.stationary(1000 + s, 10_000, 0.70, 0.01)) {
                    if (d.update(x).isAlarm()) {
                        falseAlarms++;
                    }
                }
                if (falseAlarms > before) {
                    sequencesWithAlarm++;
                }
            }
            Delay big = delays(e.getValue(), seeds, 5000, 0.55);
            Delay small = delays(e.getValue(), seeds, 9000, 0.68);
            System.out.printf("%-24s stationary: %d alarms in %d x 10,000 samples (%d sequences with an alarm)%n",
                    e.getKey(), falseAlarms, seeds, sequencesWithAlarm);
            System.out.printf("%-24s step 15 sigma: %s%n", "", big);
            System.out.printf("%-24s step  2 sigma: %s%n", "", small);
        }
    }

    private static Delay delays(Supplier<ChangeDetector> factory, int seeds, long seedBase, double after) {
        Delay delay = new Delay();
        for (int s = 0; s < seeds; s++) {
            ChangeDetector d = factory.get();
            double[] series = SyntheticSeries.step(seedBase + s, 2000, 500, 0.70, after, 0.01);
            boolean found = false;
            for (int i = 0; i < series.length && !found; i++) {
                Detection det = d.update(series[i]);
                if (det.isAlarm()) {
                    if (i < 500) {
                        delay.early++;
                        continue;
                    }
                    found = true;
                    int samples = i - 500 + 1;
                    delay.sum += samples;
                    delay.max = Math.max(delay.max, samples);
                    delay.detected++;
                    if (det.direction() != (after < 0.70 ? Direction.DOWN : Direction.UP)) {
                        delay.wrongDirection++;
                    }
                    if (samples == 1) {
                        delay.atFirst++;
                    }
                }
            }
            if (!found) {
                delay.missed++;
            }
        }
        return delay;
    }

    private static final class Delay {
        long detected;
        long missed;
        long early;
        long wrongDirection;
        long atFirst;
        long sum;
        long max;

        @Override
        public String toString() {
            return String.format("detected %d (at the first sample after the step: %d), mean delay %.1f, max %d, "
                    + "missed %d, alarms before the step %d, wrong direction %d", detected, atFirst,
                    detected == 0 ? Double.NaN : (double) sum / detected, max, missed, early, wrongDirection);
        }
    }
}
