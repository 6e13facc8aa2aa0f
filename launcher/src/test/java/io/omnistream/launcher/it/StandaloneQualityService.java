package io.omnistream.launcher.it;

import static org.awaitility.Awaitility.await;

import io.omnistream.quality.service.QualityService;
import io.omnistream.runtime.service.ServiceRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The standalone quality service started through its real entry ({@link ServiceRuntime#run} with
 * {@link QualityService#definition()}) on a thread of the test JVM, so that it shares the embedded stack's
 * {@code mock://} registry scope, on free ports. {@link #stop()} raises SIGTERM in this JVM, which the service shell
 * handles as it does in a container (graceful stop, exit status 0); the JVM's previous SIGTERM/SIGINT handlers are
 * put back afterwards.
 */
final class StandaloneQualityService implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int metricsPort;
    private final int webPort;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final SignalHandler previousTerm;
    private final SignalHandler previousInt;
    private final Thread thread;

    private StandaloneQualityService(String bootstrapServers, String registryUrl, Path keyStore) {
        this.metricsPort = freePort();
        this.webPort = freePort();
        // the shell installs its own handlers; remember the JVM's to restore them after the stop
        previousTerm = Signal.handle(new Signal("TERM"), SignalHandler.SIG_DFL);
        Signal.handle(new Signal("TERM"), previousTerm);
        previousInt = Signal.handle(new Signal("INT"), SignalHandler.SIG_DFL);
        Signal.handle(new Signal("INT"), previousInt);
        String[] args = List.of(
                "-D", "kafka.bootstrap.servers=" + bootstrapServers,
                "-D", "schema.registry.url=" + registryUrl,
                "-D", "quality-service.web.port=" + webPort,
                "-D", "auth.key-store-file=" + keyStore,
                "-D", "quality-service.lag.interval=1s",
                "-D", "service.metrics.host=127.0.0.1",
                "-D", "service.metrics.port=" + metricsPort).toArray(String[]::new);
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        thread = new Thread(() -> {
            try {
                exit.complete(ServiceRuntime.run(QualityService.definition(), args, Map.of(), print, print));
            } catch (Throwable t) {
                exit.completeExceptionally(t);
            }
        }, "standalone-quality-service");
        thread.setDaemon(true);
    }

    /** Starts the service and waits until {@code /readyz} answers 200 (its topics were read to their end). */
    /** @param keyStore the API key store the page checks credentials against */
    static StandaloneQualityService start(String bootstrapServers, String registryUrl, Path keyStore, Duration readyTimeout) {
        StandaloneQualityService service = new StandaloneQualityService(bootstrapServers, registryUrl, keyStore);
        service.thread.start();
        await("standalone quality service ready").atMost(readyTimeout).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .failFast("the service exited", service.exit::isDone)
                .until(() -> get(service.metricsUri().resolve("/readyz")).statusCode() == 200);
        return service;
    }

    URI metricsUri() {
        return URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
    }

    URI pageUri() {
        return URI.create("http://127.0.0.1:" + webPort + "/");
    }

    /** SIGTERM, as a container runtime sends it; returns the exit status of {@link ServiceRuntime#run}. */
    int stop() throws Exception {
        try {
            Signal.raise(new Signal("TERM"));
            return exit.get(60, TimeUnit.SECONDS);
        } finally {
            Signal.handle(new Signal("TERM"), previousTerm);
            Signal.handle(new Signal("INT"), previousInt);
        }
    }

    static HttpResponse<String> get(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        if (!exit.isDone()) {
            stop();
        }
    }
}
