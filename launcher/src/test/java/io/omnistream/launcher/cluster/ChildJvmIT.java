package io.omnistream.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only separate processes can show about {@link ChildJvm}: a child (every JVM of {@code ./omnistream cluster}
 * but Milvus Lite is one) dies with the JVM that started it when that JVM is killed with -9, through the
 * {@link ParentWatchdog} agent, since no shutdown hook of the parent runs then.
 */
class ChildJvmIT {
    /** Watchdog reaction (EOF at once, pid poll 0.5 s), bounded by the agent's 10 s halt, plus slack for 2 cores. */
    private static final Duration DIES_WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void aChildJvmDiesWithItsParentEvenOnKillMinus9() throws Exception {
        try (TestMainProcess parent = TestMainProcess.start(dir, ChildHolderMain.class, dir.resolve("child").toString())) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .failFast("the parent JVM exited", () -> assertThat(parent.handle().isAlive()).as(parent.output()).isTrue())
                    .until(() -> parent.value("child-pid") != null);
            ProcessHandle child = ProcessHandle.of(Long.parseLong(parent.value("child-pid"))).orElseThrow();
            assertThat(child.isAlive()).isTrue();
            assertThat(child.parent().map(ProcessHandle::pid)).contains(parent.handle().pid());

            long t0 = System.nanoTime();
            assertThat(parent.handle().destroyForcibly()).as("SIGKILL sent").isTrue();
            await().atMost(DIES_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> !child.isAlive());
            System.out.printf("[child-jvm] gone %.1f s after kill -9 of its parent%n", (System.nanoTime() - t0) / 1e9);
        }
    }
}
