package io.omnistream.quality.view;

import io.omnistream.schemas.avro.DriftAlert;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The drift alerts read from {@code quality.alerts.v1} that are active now, in memory.
 *
 * <p><b>What "active" means.</b> Alerts are grouped by series: (metric, model version, labels). Per series only the
 * latest record is kept (topic order: a later record replaces an earlier one whatever its {@code raisedAtMs}). A
 * series' alert is active while its latest record
 * <ul>
 *   <li>has a direction other than {@value #CLEARED} (a detector that writes a record with direction
 *       {@value #CLEARED} for the series ends the alert at once), and</li>
 *   <li>was raised at most {@code activeFor} ago ({@link #DEFAULT_ACTIVE_FOR}, 15 minutes) by this process's clock:
 *       a detector that keeps seeing the change raises again, one that stops lets the alert expire.</li>
 * </ul>
 * A record raised in the future (clock skew between the job and this process) counts as active.
 *
 * <p><b>Bounded memory.</b> Series whose latest record expired are dropped on every {@link #accept}; beyond
 * {@code maxSeries} series the one raised longest ago is dropped, so a detector flooding distinct labels cannot grow
 * the map without bound.
 *
 * <p>Thread-safe (one lock); records are copied in and out.
 */
public final class ActiveDriftAlerts {
    public static final Duration DEFAULT_ACTIVE_FOR = Duration.ofMinutes(15);
    public static final int DEFAULT_MAX_SERIES = 1_000;
    /** The {@code direction} of a record that ends its series' alert. */
    public static final String CLEARED = "cleared";

    private record SeriesKey(String metric, String modelVersion, Map<String, String> labels) {
        static SeriesKey of(DriftAlert alert) {
            Map<String, String> labels = new TreeMap<>();
            alert.getLabels().forEach((k, v) -> labels.put(k.toString(), v == null ? "" : v.toString()));
            return new SeriesKey(alert.getMetric(), alert.getModelVersion(), labels);
        }
    }

    private final Clock clock;
    private final long activeForMs;
    private final int maxSeries;
    private final Map<SeriesKey, DriftAlert> latest = new LinkedHashMap<>();

    public ActiveDriftAlerts() {
        this(Clock.systemUTC(), DEFAULT_ACTIVE_FOR, DEFAULT_MAX_SERIES);
    }

    /**
     * @param activeFor how long after {@code raisedAtMs} an alert stays active, positive
     * @param maxSeries series kept at most, at least 1
     */
    public ActiveDriftAlerts(Clock clock, Duration activeFor, int maxSeries) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (activeFor.isZero() || activeFor.isNegative()) {
            throw new IllegalArgumentException("activeFor must be positive, got " + activeFor);
        }
        if (maxSeries < 1) {
            throw new IllegalArgumentException("maxSeries must be at least 1, got " + maxSeries);
        }
        this.activeForMs = activeFor.toMillis();
        this.maxSeries = maxSeries;
    }

    /** Stores {@code alert} as the latest record of its series. */
    public synchronized void accept(DriftAlert alert) {
        Objects.requireNonNull(alert, "alert");
        DriftAlert copy = DriftAlert.newBuilder(alert).build();
        SeriesKey key = SeriesKey.of(copy);
        latest.remove(key); // re-insert: the map's order is arrival order
        latest.put(key, copy);
        long cutoff = clock.millis() - activeForMs;
        latest.values().removeIf(a -> a.getRaisedAtMs() < cutoff);
        while (latest.size() > maxSeries) {
            latest.values().stream().min(Comparator.comparingLong(DriftAlert::getRaisedAtMs))
                    .ifPresent(oldest -> latest.values().remove(oldest));
        }
    }

    /** Copies of the active alerts (see the class comment), raised most recently first. */
    public synchronized List<DriftAlert> active() {
        long cutoff = clock.millis() - activeForMs;
        List<DriftAlert> out = new ArrayList<>();
        for (DriftAlert a : latest.values()) {
            if (a.getRaisedAtMs() >= cutoff && !CLEARED.equals(a.getDirection())) {
                out.add(DriftAlert.newBuilder(a).build());
            }
        }
        out.sort(Comparator.comparingLong(DriftAlert::getRaisedAtMs).reversed());
        return out;
    }

    /** How long after being raised an alert stays active, in ms. */
    public long activeForMs() {
        return activeForMs;
    }
}
