package io.omnistream.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With real child processes (sh): readiness, early exit, timeout and stop. */
class ChildProcessTest {
    @TempDir
    Path dir;

    @Test
    void residentSetNowIsAtMostItsPeakAndAGoneProcessHasNone() {
        long self = ProcessHandle.current().pid();
        long rss = ChildProcess.vmRssKb(self).orElseThrow();
        long peak = ChildProcess.vmHwmKb(self).orElseThrow();
        assertThat(rss).isPositive().isLessThanOrEqualTo(peak);
        assertThat(ChildProcess.vmRssKb(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void readyWhenTheProbeSaysSoAndStoppedByClose() throws Exception {
        Path log = dir.resolve("logs/child.log");
        ChildProcess child = ChildProcess.start("sleeper", new ProcessBuilder("sh", "-c", "echo started; exec sleep 60"),
                log, Duration.ofSeconds(5));
        AtomicInteger probes = new AtomicInteger();
        child.awaitReady(Duration.ofSeconds(30), Duration.ofMillis(10), "third probe",
                () -> probes.incrementAndGet() >= 3 ? null : "probe " + probes.get());
        assertThat(probes.get()).isEqualTo(3);
        assertThat(child.isRunning()).isTrue();
        ProcessHandle handle = child.handle();
        child.close();
        assertThat(handle.isAlive()).isFalse();
        child.close(); // idempotent
        assertThat(Files.readString(log)).contains("started");
    }

    @Test
    void anEarlyExitFailsWithTheExitCodeAndTheLog() throws Exception {
        ChildProcess child = ChildProcess.start("crasher", new ProcessBuilder("sh", "-c", "echo cannot bind port; exit 7"),
                dir.resolve("crasher.log"), Duration.ofSeconds(1));
        child.handle().onExit().get();
        assertThatThrownBy(() -> child.awaitReady(Duration.ofSeconds(30), Duration.ofMillis(10), "never", () -> "not yet"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("crasher exited with code 7").hasMessageContaining("cannot bind port");
        child.close();
    }

    @Test
    void aTimeoutNamesTheLastProbeResult() throws Exception {
        try (ChildProcess child = ChildProcess.start("slow", new ProcessBuilder("sh", "-c", "exec sleep 60"),
                dir.resolve("slow.log"), Duration.ofSeconds(1))) {
            assertThatThrownBy(() -> child.awaitReady(Duration.ofMillis(200), Duration.ofMillis(20), "HTTP 200",
                    () -> "HTTP 503"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("slow did not answer (HTTP 200)").hasMessageContaining("last: HTTP 503");
        }
    }

    @Test
    void aChildIgnoringSigtermIsKilledAfterTheGrace() throws Exception {
        ChildProcess child = ChildProcess.start("stubborn",
                new ProcessBuilder("sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done"),
                dir.resolve("stubborn.log"), Duration.ofMillis(300));
        child.awaitReady(Duration.ofSeconds(30), Duration.ofMillis(20), "ready line",
                () -> Files.readString(child.log()).contains("ready") ? null : "no line yet");
        ProcessHandle handle = child.handle();
        child.close();
        assertThat(handle.isAlive()).isFalse();
    }

    @Test
    void freePortsAreUsable() {
        int port = ChildProcess.freeLoopbackPort();
        assertThat(port).isBetween(1, 65535);
    }
}
