package io.omnistream.runtime.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * A fresh JVM for {@link HttpTimeoutsIT}: installs 2 s limits before its first (and only) JDK HTTP server, which reads
 * each request body and answers 200. Prints {@code PORT <n>} and runs until stdin closes (its parent is gone).
 */
public final class SlowClientServerMain {
    private SlowClientServerMain() {}

    public static void main(String[] args) throws IOException {
        if (!HttpTimeouts.install(Duration.ofSeconds(2), Duration.ofSeconds(2))) {
            throw new IllegalStateException("limits already set in this fresh JVM");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                byte[] answer = ("read " + body.length).getBytes();
                exchange.sendResponseHeaders(200, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        });
        server.start();
        System.out.println("PORT " + server.getAddress().getPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the parent closes our stdin
        }
        server.stop(0);
        System.exit(0);
    }
}
