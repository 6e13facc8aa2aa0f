package io.omnistream.runtime.stage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AttemptMarkerTest {
    @Test
    void writesAndReadsTheCountAndTheIsolationRange() {
        assertThat(new AttemptMarker(7, 2, 12).metadata()).isEqualTo("attempt=2;until=12");
        assertThat(AttemptMarker.parse(7, "attempt=2;until=12")).contains(new AttemptMarker(7, 2, 12));
        assertThat(new AttemptMarker(7, 0).metadata()).isEqualTo("attempt=0");
        assertThat(AttemptMarker.parse(7, "attempt=0")).contains(new AttemptMarker(7, 0, -1));
    }

    @Test
    void aMarkerIsolatesOnlyWhileItsRangeIsAheadOfItsOffset() {
        assertThat(new AttemptMarker(7, 1, 12).isolates()).isTrue();
        assertThat(new AttemptMarker(7, 1, 7).isolates()).isTrue();
        assertThat(new AttemptMarker(13, 0, 12).isolates()).isFalse();
        assertThat(new AttemptMarker(7, 0).isolates()).isFalse();
    }

    @Test
    void anOlderMarkerWithoutRangeIsolatesItsOwnRecordAfterACrash() {
        assertThat(AttemptMarker.parse(7, "attempt=2")).contains(new AttemptMarker(7, 2, 7));
    }

    @Test
    void plainOrForeignMetadataIsNoMarker() {
        assertThat(AttemptMarker.parse(7, "")).isEmpty();
        assertThat(AttemptMarker.parse(7, null)).isEmpty();
        assertThat(AttemptMarker.parse(7, "owner=someone")).isEmpty();
        assertThat(AttemptMarker.parse(7, "attempt=x;until=1")).isEmpty();
    }
}
