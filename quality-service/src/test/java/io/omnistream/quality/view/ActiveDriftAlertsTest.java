package io.omnistream.quality.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.schemas.avro.DriftAlert;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActiveDriftAlertsTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long MINUTE = 60_000;

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        long millis = T0;

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.ofEpochMilli(millis); }
    }

    private final ManualClock clock = new ManualClock();
    private final ActiveDriftAlerts alerts = new ActiveDriftAlerts(clock, Duration.ofMinutes(15), 100);

    private static DriftAlert alert(String id, String metric, String direction, Map<String, String> labels, long raisedAtMs) {
        return DriftAlert.newBuilder().setAlertId(id).setMetric(metric).setModelVersion("m@1").setDetector("cusum")
                .setStatistic(9).setThreshold(8).setDirection(direction).setLabels(labels)
                .setWindowStartMs(raisedAtMs - MINUTE).setWindowEndMs(raisedAtMs).setRaisedAtMs(raisedAtMs).build();
    }

    private List<String> activeIds() {
        return alerts.active().stream().map(DriftAlert::getAlertId).toList();
    }

    @Test
    void keepsTheLatestRecordPerSeriesNewestRaisedFirst() {
        alerts.accept(alert("a1", "hit@1", "down", Map.of("task", "t1"), T0 - 3 * MINUTE));
        alerts.accept(alert("b1", "hit@1", "down", Map.of("task", "t2"), T0 - 2 * MINUTE));
        alerts.accept(alert("a2", "hit@1", "up", Map.of("task", "t1"), T0 - 4 * MINUTE)); // same series as a1, arrives later

        assertThat(activeIds()).containsExactly("b1", "a2");
    }

    @Test
    void labelsInAnyOrderAreTheSameSeries() {
        alerts.accept(alert("a1", "hit@1", "down", Map.of("task", "t1", "path", "exact"), T0));
        alerts.accept(alert("a2", "hit@1", "down", new java.util.LinkedHashMap<>(Map.of("path", "exact", "task", "t1")), T0));

        assertThat(activeIds()).containsExactly("a2");
    }

    @Test
    void aClearedRecordEndsTheAlertOfItsSeriesOnly() {
        alerts.accept(alert("a1", "hit@1", "down", Map.of("task", "t1"), T0));
        alerts.accept(alert("b1", "ndcg@10", "down", Map.of("task", "t1"), T0));
        alerts.accept(alert("a2", "hit@1", ActiveDriftAlerts.CLEARED, Map.of("task", "t1"), T0));

        assertThat(activeIds()).containsExactly("b1");
    }

    @Test
    void anAlertIsActiveForFifteenMinutesAfterItWasRaised() {
        alerts.accept(alert("a1", "hit@1", "down", Map.of(), T0));
        clock.millis = T0 + 15 * MINUTE;
        assertThat(activeIds()).containsExactly("a1");
        clock.millis = T0 + 15 * MINUTE + 1;
        assertThat(activeIds()).isEmpty();
    }

    @Test
    void anAlertRaisedLongAgoIsNeverActiveAndOneFromTheFutureIs() {
        alerts.accept(alert("old", "hit@1", "down", Map.of("task", "a"), T0 - 16 * MINUTE));
        alerts.accept(alert("future", "hit@1", "down", Map.of("task", "b"), T0 + 5 * MINUTE));

        assertThat(activeIds()).containsExactly("future");
    }

    @Test
    void beyondMaxSeriesTheOneRaisedLongestAgoIsDropped() {
        ActiveDriftAlerts small = new ActiveDriftAlerts(clock, Duration.ofMinutes(15), 2);
        small.accept(alert("mid", "m", "down", Map.of("s", "1"), T0 - 2 * MINUTE));
        small.accept(alert("oldest", "m", "down", Map.of("s", "2"), T0 - 3 * MINUTE));
        small.accept(alert("new", "m", "down", Map.of("s", "3"), T0 - MINUTE));

        assertThat(small.active().stream().map(DriftAlert::getAlertId)).containsExactly("new", "mid");
    }

    @Test
    void rejectsANonPositiveWindow() {
        assertThatThrownBy(() -> new ActiveDriftAlerts(clock, Duration.ZERO, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ActiveDriftAlerts(clock, Duration.ofMinutes(1), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
