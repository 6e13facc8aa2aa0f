package io.omnistream.milvus.lite;

import java.nio.file.Path;

/**
 * Starts a {@link MilvusLiteServer} (data in {@code args[0]}, venv {@code args[1]}), prints {@code server-pid=<pid>}
 * and {@code server-port=<port>}, then waits forever: the parent JVM that {@link MilvusLiteServerIT} kills with -9.
 */
public final class ServerHolderMain {
    private ServerHolderMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        MilvusLiteServer server = MilvusLiteServer.builder(Path.of(args[0])).venvDir(Path.of(args[1])).build().start();
        System.out.println("server-pid=" + server.processHandle().orElseThrow().pid());
        System.out.println("server-port=" + server.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
