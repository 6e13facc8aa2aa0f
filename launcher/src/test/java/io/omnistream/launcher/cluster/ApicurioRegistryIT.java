package io.omnistream.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lifecycle of {@link ApicurioRegistry} that only another JVM can show: the registry dies with its parent. */
class ApicurioRegistryIT {
    /** Watchdog reaction (EOF at once, pid poll 0.5 s) plus Quarkus's stop, bounded by the agent's 10 s halt. */
    private static final Duration DIES_WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void theRegistryDiesWithItsParentJvmEvenOnKillMinus9() throws Exception {
        try (TestMainProcess parent = TestMainProcess.start(dir, RegistryHolderMain.class, dir.resolve("apicurio").toString())) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .failFast("the parent JVM exited", () -> assertThat(parent.handle().isAlive()).as(parent.output()).isTrue())
                    .until(() -> parent.value("registry-url") != null);
            ProcessHandle registry = ProcessHandle.of(Long.parseLong(parent.value("registry-pid"))).orElseThrow();
            URI url = URI.create(parent.value("registry-url"));
            assertThat(registry.isAlive()).isTrue();
            assertThat(registry.parent().map(ProcessHandle::pid)).contains(parent.handle().pid());
            assertThat(accepts(url.getPort())).as("registry port open before the kill").isTrue();

            long t0 = System.nanoTime();
            assertThat(parent.handle().destroyForcibly()).as("SIGKILL sent").isTrue(); // kill -9: no hook runs
            await().atMost(DIES_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> !registry.isAlive());
            System.out.printf("[registry] gone %.1f s after kill -9 of its parent%n", (System.nanoTime() - t0) / 1e9);
            assertThat(accepts(url.getPort())).as("registry port closed").isFalse();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
