package io.omnistream.flink.drift;

import java.io.Serializable;

/**
 * The outcome of one {@link ChangeDetector#update}: an alarm with its direction, or none. The statistic and threshold
 * are reported either way (a dashboard can plot how close the detector is to alarming). Immutable, serializable.
 *
 * @param direction   direction of the change; null when there is no alarm
 * @param statistic   the detector's decision statistic after this sample (for a two-sided detector, the larger of its
 *                    two sides), in the detector's units (see the detector); the value that crossed the threshold on
 *                    an alarm (the detector resets afterwards)
 * @param threshold   the threshold the statistic is compared with
 * @param sampleIndex 0-based index of the sample in the detector's lifetime (not reset by alarms)
 */
public record Detection(Direction direction, double statistic, double threshold, long sampleIndex)
        implements Serializable {

    /** No alarm. */
    public static Detection none(double statistic, double threshold, long sampleIndex) {
        return new Detection(null, statistic, threshold, sampleIndex);
    }

    /** An alarm in the given direction. */
    public static Detection alarm(Direction direction, double statistic, double threshold, long sampleIndex) {
        if (direction == null) {
            throw new IllegalArgumentException("an alarm needs a direction");
        }
        return new Detection(direction, statistic, threshold, sampleIndex);
    }

    /** Whether this is an alarm. */
    public boolean isAlarm() {
        return direction != null;
    }
}
