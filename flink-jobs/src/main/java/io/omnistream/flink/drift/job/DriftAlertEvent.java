package io.omnistream.flink.drift.job;

import io.omnistream.schemas.avro.DriftAlert;
import java.util.HashMap;
import java.util.Map;

/** A {@link DriftAlert} as a Flink POJO, field for field; converted with {@link #toAvro()} right before the sink. */
public class DriftAlertEvent {
    /** {@code direction} of the record that ends an alert (same alertId as the raising record). */
    public static final String CLEARED = "cleared";

    public String alertId;
    public String metric;
    public String modelVersion;
    public String detector;
    public double statistic;
    public double threshold;
    /** "up", "down" or {@value #CLEARED}. */
    public String direction;
    public Map<String, String> labels = new HashMap<>();
    public long windowStartMs;
    public long windowEndMs;
    public Long referenceStartMs;
    public Long referenceEndMs;
    public long raisedAtMs;

    public DriftAlertEvent() {
    }

    public DriftAlert toAvro() {
        return DriftAlert.newBuilder()
                .setAlertId(alertId).setMetric(metric).setModelVersion(modelVersion).setDetector(detector)
                .setStatistic(statistic).setThreshold(threshold).setDirection(direction)
                .setLabels(new HashMap<>(labels)).setWindowStartMs(windowStartMs).setWindowEndMs(windowEndMs)
                .setReferenceStartMs(referenceStartMs).setReferenceEndMs(referenceEndMs).setRaisedAtMs(raisedAtMs)
                .build();
    }

    @Override
    public String toString() {
        return "DriftAlert{" + alertId + " " + metric + " " + direction + " " + detector + " " + statistic + "/"
                + threshold + " " + labels + "}";
    }
}
