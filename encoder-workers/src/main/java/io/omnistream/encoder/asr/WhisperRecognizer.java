package io.omnistream.encoder.asr;

import io.omnistream.runtime.process.ChildProcess;
import io.omnistream.runtime.process.Readiness;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whisper tiny.en (CTranslate2, through faster-whisper) in a managed Python process: {@code whisper_server.py} run by
 * the interpreter of the pinned {@link WhisperVenv} (installed on first use), serving on a loopback port, the model
 * loaded by path from the model wheel (nothing is downloaded at run time; {@code HF_HUB_OFFLINE=1}). Or, when
 * {@link WhisperSettings#server()} is set, the same server running on its own (the Helm chart's sidecar container,
 * image {@code omnistream-whisper}): then nothing is started or stopped here, and the guarantees below hold with
 * "process" read as "server" - a sidecar that is down or restarting makes calls fail transiently (the worker retries
 * and waits) until it answers {@code /health} again; nothing is dropped.
 *
 * <p>Guarantees:
 * <ul>
 *   <li><b>Crashes lose nothing.</b> If the process dies or the connection fails while a batch is in flight (or the
 *       answer does not come within the batch's budget plus a margin), {@link #recognize} throws {@link
 *       RecognizerUnavailableException} (transient: the worker retries the batch) after stopping what is left of the
 *       process; the next call starts a fresh one. No partial result is ever returned.</li>
 *   <li><b>Serialised.</b> Calls are serialised on this object (one batch in flight per recogniser, matching the
 *       server's one model and one decode at a time); a restart therefore happens once, by the next caller. For more
 *       throughput run several recognisers (each its own process and model copy, ~150 MB RSS on CPU).</li>
 *   <li><b>Dies with us.</b> {@link #close()} stops the process (SIGTERM, then SIGKILL after 5 s) without waiting
 *       for an in-flight batch; a normal JVM exit stops it too (shutdown hook); if this JVM is killed, the server sees
 *       EOF on its stdin and exits.</li>
 * </ul>
 * The process starts lazily on the first {@link #version()} or {@link #recognize} call, so constructing one is cheap.
 */
public final class WhisperRecognizer implements SpeechRecognizer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WhisperRecognizer.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(200);
    /** Added to a batch's summed budgets for the answer's deadline: HTTP, JSON and the overshoot of the last window. */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(30);

    private final WhisperSettings settings;
    private final HttpClient http;
    private Path script;
    /** Volatile for {@link #serverProcess()}, which must not wait for an in-flight batch; written under the lock. */
    private volatile ChildProcess server;
    private URI base;
    private String version;
    /** Written under the lock, read without it (an in-flight batch must not block a monitoring read). */
    private volatile int starts;
    private volatile boolean closed;

    public WhisperRecognizer(WhisperSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public WhisperSettings settings() {
        return settings;
    }

    /** Starts the server (installing the venv first if needed) unless it runs; returns its version. */
    @Override
    public synchronized String version() {
        ensureRunning();
        return version;
    }

    @Override
    public synchronized List<String> recognize(List<Path> wav16kMono, String what) {
        if (wav16kMono.isEmpty()) {
            return List.of();
        }
        ensureRunning();
        ChildProcess running = server; // null for a server of its own (settings.server())
        String body = WhisperProtocol.request(wav16kMono, settings.budgetSeconds(), settings.beamSize(),
                settings.skipNoSpeech());
        Duration deadline = settings.budgetPerItem().multipliedBy(wav16kMono.size()).plus(ANSWER_MARGIN);
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(base.resolve("/transcribe")).timeout(deadline)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw crashed("no answer to a batch of " + wav16kMono.size() + " (" + e + ")", running, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // the server keeps decoding a batch nobody waits for; stop it so the next call starts clean
            throw crashed("interrupted while waiting for a batch of " + wav16kMono.size(), running, e);
        }
        if (response.statusCode() != 200) {
            throw crashed("HTTP " + response.statusCode() + " for a batch of " + wav16kMono.size() + ": "
                    + WhisperProtocol.abbreviate(response.body()), running, null);
        }
        return WhisperProtocol.results(response.body(), wav16kMono.size(), what);
    }

    /** The running server's process, without waiting for an in-flight batch (for operators and tests). */
    public Optional<ProcessHandle> serverProcess() {
        ChildProcess s = server;
        return s == null || !s.isRunning() ? Optional.empty() : Optional.of(s.handle());
    }

    /** Peak resident set of the current server process in KiB; empty when none runs or there is no procfs. */
    public OptionalLong serverPeakRssKb() {
        ChildProcess s = server;
        return s == null ? OptionalLong.empty() : s.peakRssKb();
    }

    /** How many times a server process was started (1 + restarts). */
    public int starts() {
        return starts;
    }

    /**
     * Stops the server and refuses further calls. Does not wait for an in-flight batch to finish: its server is stopped
     * first (that call then fails transiently, so its batch is retried by whoever takes over), then the lock is taken
     * to stop anything a racing call started meanwhile.
     */
    @Override
    public void close() {
        closed = true;
        ChildProcess running = server;
        if (running != null) {
            running.close();
        }
        synchronized (this) {
            stopServer();
            deleteScript();
        }
    }

    private void deleteScript() {
        if (script != null) {
            try {
                Files.deleteIfExists(script);
            } catch (IOException e) {
                LOG.warn("cannot delete {}: {}", script, e.toString());
            }
        }
    }

    private void ensureRunning() {
        if (closed) {
            throw new IllegalStateException("whisper recogniser is closed");
        }
        if (settings.server() != null) {
            if (base == null) {
                connect(settings.server());
            }
            return;
        }
        if (server != null && server.isRunning()) {
            return;
        }
        if (server != null) {
            LOG.warn("whisper server (pid {}) is gone with status {}; starting a new one", server.pid(),
                    server.exitStatus());
            stopServer();
        }
        start();
    }

    /**
     * Waits up to the start timeout for a server that runs on its own to answer {@code /health} ready; transient
     * failure otherwise (the worker retries the batch, so a sidecar that starts late or restarts is waited for).
     */
    private void connect(URI uri) {
        long t0 = System.nanoTime();
        WhisperProtocol.Health[] seen = new WhisperProtocol.Health[1];
        String last;
        try {
            last = Readiness.await("whisper", settings.startTimeout(), PROBE_INTERVAL, () -> probeHealth(uri, seen),
                    Readiness.REMOTE, seconds -> LOG.info("waiting for the whisper server at {} ({} s)", uri, seconds));
        } catch (IllegalStateException e) { // interrupted
            throw new RecognizerUnavailableException("whisper server at " + uri + ": " + e.getMessage(), e);
        }
        if (last != null) {
            throw new RecognizerUnavailableException("whisper server at " + uri + " not ready after "
                    + settings.startTimeout().toSeconds() + " s (" + WhisperSettings.URL.key() + "): " + last, null);
        }
        accept(seen[0]);
        base = uri;
        starts++;
        LOG.info("whisper server at {} ready after {} ms ({}, device {}, pid {})", uri,
                (System.nanoTime() - t0) / 1_000_000, version, seen[0].device(), seen[0].pid());
    }

    /** One {@code GET /health}: null when ready (the answer in {@code seen[0]}), else what was seen. */
    private String probeHealth(URI uri, WhisperProtocol.Health[] seen) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri.resolve("/health"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return "HTTP " + r.statusCode();
        }
        seen[0] = WhisperProtocol.health(r.body());
        return seen[0].ready() ? null : "not ready: " + WhisperProtocol.abbreviate(r.body());
    }

    private void accept(WhisperProtocol.Health health) {
        String v = health.version(settings.beamSize(), settings.skipNoSpeech());
        if (version != null && !version.equals(v)) {
            // the venv or the sidecar image changed under us: transcripts would change under one version string
            LOG.warn("whisper version changed across a restart: {} -> {}", version, v);
        }
        version = v;
    }

    private void start() {
        Path python = WhisperVenv.ensureInstalled(settings.venvDir(), settings.systemPython());
        int port = ChildProcess.freeLoopbackPort();
        List<String> command = new ArrayList<>(List.of(python.toString(), "-u", script().toString(),
                "--port", Integer.toString(port), "--device", settings.device().argument(),
                "--beam-size", Integer.toString(settings.beamSize()),
                "--cpu-threads", Integer.toString(settings.cpuThreads())));
        ProcessBuilder pb = new ProcessBuilder(command);
        // nothing from the hub, nothing from the user's site-packages or PYTHONPATH: only the pinned venv runs
        pb.environment().put("HF_HUB_OFFLINE", "1");
        pb.environment().put("PYTHONNOUSERSITE", "1");
        pb.environment().remove("PYTHONPATH");
        URI uri = URI.create("http://127.0.0.1:" + port);
        ChildProcess child;
        try {
            child = ChildProcess.start("whisper", pb, settings.log(), STOP_GRACE);
        } catch (IOException e) {
            throw new RecognizerUnavailableException("cannot start the whisper server " + command + ": " + e, e);
        }
        long t0 = System.nanoTime();
        WhisperProtocol.Health[] seen = new WhisperProtocol.Health[1];
        try {
            child.awaitReady(settings.startTimeout(), PROBE_INTERVAL, "GET /health", () -> probeHealth(uri, seen));
        } catch (IllegalStateException e) {
            child.close();
            throw new RecognizerUnavailableException("whisper server did not become ready: " + e.getMessage(), e);
        }
        server = child;
        base = uri;
        starts++;
        accept(seen[0]);
        LOG.info("whisper server pid {} ready on {} in {} ms ({}, device {}); log {}", child.pid(), uri,
                (System.nanoTime() - t0) / 1_000_000, version, seen[0].device(), settings.log());
    }

    private Path script() {
        if (script == null || !Files.isRegularFile(script)) {
            try {
                script = Files.createTempFile("omnistream-whisper-server", ".py");
                Files.writeString(script, WhisperVenv.serverScript());
                script.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new RecognizerUnavailableException("cannot write the whisper server script: " + e, e);
            }
        }
        return script;
    }

    private RecognizerUnavailableException crashed(String what, ChildProcess running, Throwable cause) {
        if (running == null) {
            URI at = base;
            base = null; // the next call waits for /health again: the sidecar may be restarting
            return new RecognizerUnavailableException("whisper server at " + at + ": " + what
                    + "; the batch must be retried (the next call waits for the server to be ready)", cause);
        }
        String state = running.isRunning() ? "still running, stopped now" : "exited with status " + running.exitStatus();
        String tail = running.tail(10);
        stopServer();
        return new RecognizerUnavailableException("whisper server pid " + running.pid() + " (" + state + "): " + what
                + "; the batch must be retried (the next call restarts the server); log " + settings.log() + ":\n"
                + tail, cause);
    }

    private void stopServer() {
        ChildProcess s = server;
        server = null;
        base = null;
        if (s != null) {
            s.close();
        }
    }
}
