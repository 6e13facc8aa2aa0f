package io.omnistream.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JDK HTTP server really cuts off a client that sends its request too slowly once {@link HttpTimeouts} are
 * installed. Runs the server in a fresh JVM ({@link SlowClientServerMain}): the limits are read once per process.
 */
class HttpTimeoutsIT {
    private Process server;
    private int port;

    @BeforeEach
    void start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SlowClientServerMain.class.getName()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("PORT ")) {
            // JVM warnings before the port line
        }
        assertThat(line).as("the server's port line").isNotNull();
        port = Integer.parseInt(line.substring(5).trim());
    }

    @AfterEach
    void stop() throws Exception {
        server.getOutputStream().close();
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
            server.destroyForcibly();
        }
    }

    @Test
    void aRequestSentInTimeIsAnswered() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            send(socket, request(10) + "0123456789");
            assertThat(readAll(socket.getInputStream())).startsWith("HTTP/1.1 200").endsWith("read 10");
        }
    }

    @Test
    void aClientThatStopsSendingItsBodyIsDisconnectedUnanswered() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            // without the limit this read would wait for the server forever; 30 s is far beyond the 2 s + timer tick
            socket.setSoTimeout(30_000);
            send(socket, request(100) + "only ten b"); // 90 bytes never come
            String answer;
            try {
                answer = readAll(socket.getInputStream());
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server kept the slow connection open for 30 s", e);
            } catch (IOException reset) {
                answer = ""; // closed with a reset: also disconnected
            }
            assertThat(answer).as("no answer, the connection is closed").doesNotContain("200");
        }
    }

    private static String request(int contentLength) {
        return "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Everything until the server closes (or, for an answered request, until the body is complete). */
    private static String readAll(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        byte[] buffer = new byte[1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            b.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
            if (b.indexOf("\r\n\r\n") >= 0 && b.toString().endsWith("read 10")) {
                break;
            }
        }
        return b.toString();
    }
}
