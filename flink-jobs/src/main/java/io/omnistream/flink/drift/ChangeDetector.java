package io.omnistream.flink.drift;

/**
 * A sequential change detector on one series (e.g. a bias metric per window and model version): one sample at a time,
 * an alarm when the series' level has changed.
 *
 * <p>Implementations are Flink POJOs so that the job can keep one per series in keyed state.
 */
public interface ChangeDetector {

    /**
     * Feeds the next sample.
     *
     * @param x the sample; finite
     * @return the detection for this sample (an alarm or none)
     * @throws IllegalArgumentException if {@code x} is NaN or infinite (the detector is unchanged then)
     */
    Detection update(double x);

    /** Forgets everything learned (as after construction) but keeps the parameters and the sample counter. */
    void reset();

    /** The detector's name as in {@code DriftAlert.detector}: {@code "page-hinkley"} or {@code "cusum"}. */
    String detectorName();

    /** Checks a sample. */
    static void requireFinite(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("sample " + x + " is not finite");
        }
    }
}
