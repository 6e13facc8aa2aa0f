package io.omnistream.milvus.lite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.milvus.v2.client.MilvusClientV2;
import io.omnistream.milvus.config.MilvusConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifecycle of a dedicated server (not the shared one): answers after start, stops on close, logs to its file, and
 * dies with the JVM that started it even when that JVM is killed with -9.
 */
class MilvusLiteServerIT {
    @TempDir
    Path dir;

    @Test
    void startsAnswersAndStopsOnClose() throws Exception {
        Path log = dir.resolve("server.log");
        MilvusLiteServer server = MilvusLiteServer.builder(dir.resolve("data"))
                .venvDir(venv())
                .logFile(log)
                .stopGrace(Duration.ofSeconds(10))
                .build()
                .start();
        try {
            MilvusClientV2 client = MilvusConnection.of(server.uri()).open();
            assertThat(client.listCollections().getCollectionNames()).isEmpty();
            client.close();
        } finally {
            server.close();
        }
        assertThat(server.isRunning()).isFalse();
        assertThat(Files.readString(log)).contains("listening on 127.0.0.1:" + server.port());
        assertThatThrownBy(() -> new MilvusConnection(server.uri(), "", Duration.ofSeconds(1)).open()).isInstanceOf(RuntimeException.class);
        server.close(); // idempotent
    }

    /**
     * The server must not outlive a parent that gets no chance to stop it: kill -9 runs no shutdown hook, so only the
     * EOF on the server's stdin pipe (closed by the kernel with the parent) can end it.
     */
    @Test
    void theServerDiesWithItsParentJvmEvenOnKillMinus9() throws Exception {
        Path out = dir.resolve("holder.out");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), ServerHolderMain.class.getName(),
                dir.resolve("data").toString(), venv().toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .failFast("the holder JVM exited", () -> assertThat(holder.isAlive()).as(Files.readString(out)).isTrue())
                    .until(() -> Files.readString(out).contains("server-port="));
            String lines = Files.readString(out);
            ProcessHandle server = ProcessHandle.of(Long.parseLong(value(lines, "server-pid"))).orElseThrow();
            int port = Integer.parseInt(value(lines, "server-port"));
            assertThat(server.isAlive()).isTrue();
            assertThat(accepts(port)).as("server port open before the kill").isTrue();

            long t0 = System.nanoTime();
            holder.destroyForcibly(); // SIGKILL: no shutdown hook of the holder runs
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> !server.isAlive());
            System.out.printf("[milvus-lite] gone %.1f s after kill -9 of its parent%n", (System.nanoTime() - t0) / 1e9);
            assertThat(accepts(port)).as("server port closed").isFalse();
        } finally {
            holder.destroyForcibly();
        }
    }

    private static String value(String lines, String key) {
        return lines.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + key + " in:\n" + lines));
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path venv() {
        String v = System.getProperty("omnistream.milvus-lite.venv");
        return v == null ? MilvusLiteInstaller.defaultVenvDir() : Path.of(v);
    }
}
