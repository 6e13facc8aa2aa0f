package io.omnistream.flink.drift;

import java.util.Random;

/** Seeded Gaussian series for the detector tests and the threshold measurement (java.util.Random is specified). */
final class SyntheticSeries {

    private SyntheticSeries() {
    }

    /** {@code length} samples of {@code mean + sigma * N(0, 1)}. */
    static double[] stationary(long seed, int length, double mean, double sigma) {
        Random random = new Random(seed);
        double[] x = new double[length];
        for (int i = 0; i < length; i++) {
            x[i] = mean + sigma * random.nextGaussian();
        }
        return x;
    }

    /** Samples {@code 0..changeAt-1} around {@code before}, from {@code changeAt} on around {@code after}. */
    static double[] step(long seed, int length, int changeAt, double before, double after, double sigma) {
        Random random = new Random(seed);
        double[] x = new double[length];
        for (int i = 0; i < length; i++) {
            x[i] = (i < changeAt ? before : after) + sigma * random.nextGaussian();
        }
        return x;
    }

    /** Feeds the series until the first alarm and returns it; null if none. */
    static Detection firstAlarm(ChangeDetector detector, double[] series) {
        for (double x : series) {
            Detection d = detector.update(x);
            if (d.isAlarm()) {
                return d;
            }
        }
        return null;
    }
}
