package io.omnistream.milvus.lite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.v2.client.MilvusClientV2;
import io.omnistream.milvus.config.MilvusConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lifecycle of a dedicated server (not the shared one): answers after start, stops on close, logs to its file. */
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

    private static Path venv() {
        String v = System.getProperty("omnistream.milvus-lite.venv");
        return v == null ? MilvusLiteInstaller.defaultVenvDir() : Path.of(v);
    }
}
