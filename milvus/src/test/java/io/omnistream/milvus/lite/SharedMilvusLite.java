package io.omnistream.milvus.lite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One Milvus Lite server per test JVM, started on first use and stopped by its shutdown hook. The venv defaults to
 * {@code ~/.omnistream/milvus-lite-venv} (what {@code scripts/install-milvus-lite.sh} fills) and can be moved with
 * {@code -Domnistream.milvus-lite.venv=DIR}.
 */
public final class SharedMilvusLite {
    private static MilvusLiteServer server;

    private SharedMilvusLite() {}

    public static synchronized MilvusLiteServer server() {
        if (server == null) {
            try {
                Path dir = Files.createTempDirectory("milvus-lite-it");
                String venv = System.getProperty("omnistream.milvus-lite.venv");
                server = MilvusLiteServer.builder(dir.resolve("data"))
                        .venvDir(venv == null ? MilvusLiteInstaller.defaultVenvDir() : Path.of(venv))
                        .build()
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }
}
