package io.omnistream.flink.drift.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Alert bookkeeping of one series (a Flink POJO): raises one alert when the detector alarms while none is active,
 * stays quiet while the condition holds (later alarms of the same series only reset the in-control count), and ends
 * the alert with a {@link DriftAlertEvent#CLEARED} record after {@code clearAfter} consecutive closed epochs (or
 * windows) without an alarm. The CLEARED record has the raising record's alertId, metric, model version and labels.
 */
public class AlertTrack {
    /** The active alert's id; null when none is active. */
    public String activeAlertId;
    /** Copy of the active alert (for the CLEARED record's fields). */
    public DriftAlertEvent active;
    /** Consecutive closed epochs without an alarm since the last alarm of the active alert. */
    public int inControl;

    public AlertTrack() {
    }

    /**
     * Feeds the outcome of one closed epoch.
     *
     * @param candidate the alert to raise if {@code alarm} and none is active (alertId, raisedAtMs still unset)
     * @param startIndex epoch (or window start) the alert starts at, part of its id
     * @return the record to emit (a new alert or a CLEARED one), or null
     */
    public DriftAlertEvent observe(boolean alarm, DriftAlertEvent candidate, String seriesKey, long startIndex,
            int clearAfter, long nowMs) {
        if (alarm) {
            inControl = 0;
            if (activeAlertId != null) {
                return null; // deduplicated: the condition still holds
            }
            candidate.alertId = alertId(seriesKey, startIndex);
            candidate.raisedAtMs = nowMs;
            activeAlertId = candidate.alertId;
            active = candidate;
            return candidate;
        }
        if (activeAlertId == null) {
            return null;
        }
        if (++inControl < clearAfter) {
            return null;
        }
        DriftAlertEvent cleared = candidate;
        cleared.alertId = activeAlertId;
        cleared.direction = DriftAlertEvent.CLEARED;
        // the raising record's model version and labels, so that readers keyed by (metric, model version, labels),
        // like the live quality page, match the two; window, statistic and time are the clearing epoch's
        cleared.modelVersion = active.modelVersion;
        cleared.labels = new java.util.HashMap<>(active.labels);
        cleared.referenceStartMs = active.referenceStartMs;
        cleared.referenceEndMs = active.referenceEndMs;
        cleared.raisedAtMs = nowMs;
        activeAlertId = null;
        active = null;
        inControl = 0;
        return cleared;
    }

    /** Deterministic id: the first 16 hex digits of SHA-256 over series key and start epoch. */
    public static String alertId(String seriesKey, long startIndex) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((seriesKey + "@" + startIndex).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
