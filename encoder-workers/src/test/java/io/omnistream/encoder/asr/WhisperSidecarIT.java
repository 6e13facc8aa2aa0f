package io.omnistream.encoder.asr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.runtime.error.FailureKind;
import io.omnistream.runtime.process.ChildProcess;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Whisper sidecar as Kubernetes runs it, without a container engine: the image's file tree (built by
 * scripts/whisper-image-layout.sh from the pinned wheels, exactly what Jib puts at /opt/omnistream/whisper) run by a
 * CPython 3.11 with the image's environment and the chart's arguments ({@code --no-parent-watch}, loopback), as a
 * process of its own that the recogniser does not start; the exec probe of the chart; and the recogniser in
 * {@code encoder.asr.whisper.url} mode, through a kill -9 of the sidecar mid-batch and its restart.
 */
class WhisperSidecarIT {
    private static final String SENTENCE = "Vitamin D deficiency increases the risk of tuberculosis in adults.";

    @TempDir
    static Path dir;
    private static Path layout;
    private static SpeechFixtures speech;
    private static Path sentence;

    private Process sidecar;

    @BeforeAll
    static void buildTheImageTreeAndAudio() throws Exception {
        speech = new SpeechFixtures(dir);
        String missing = speech.missing();
        Assumptions.assumeTrue(missing == null, missing);
        Process v = new ProcessBuilder("python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])").start();
        String version = new String(v.getInputStream().readAllBytes()).trim();
        Assumptions.assumeTrue(v.waitFor(30, TimeUnit.SECONDS) && version.equals("3.11"),
                "the image's wheels are for CPython 3.11; python3 here is " + version);
        layout = Path.of("target", "whisper-image").toAbsolutePath();
        SpeechFixtures.run("bash", "scripts/whisper-image-layout.sh", layout.toString());
        sentence = speech.spoken(SENTENCE, "sentence.wav");
    }

    @AfterEach
    void stopSidecar() {
        if (sidecar != null) {
            sidecar.destroyForcibly();
        }
    }

    @Test
    void theSidecarServesWithoutAParentAndTheProbeTellsWhenItIsReady() throws Exception {
        int port = ChildProcess.freeLoopbackPort();
        assertThat(probe(port)).as("probe before the server runs").isNotZero();

        sidecar = startSidecar(port, "serve.log");
        WhisperSettings settings = settings(port, "serve");
        try (WhisperRecognizer greedy = new WhisperRecognizer(settings);
             WhisperRecognizer beam = new WhisperRecognizer(settings.withBeamSize(5))) {
            // version() waits for /health: nothing here waits on the sidecar but the recogniser itself
            assertThat(greedy.version()).contains(" beam=1 ");
            assertThat(probe(port)).as("probe once ready").isZero();
            List<String> texts = greedy.recognize(List.of(sentence, speech.digit(4, "jackson", 0)), "audio");
            List<String> beamTexts = beam.recognize(List.of(speech.digit(7, "jackson", 0)), "audio");

            assertThat(SpeechFixtures.words(texts.get(0))).contains("deficiency", "tuberculosis", "adults");
            assertThat(SpeechFixtures.words(texts.get(1))).containsAnyOf("four", "4");
            assertThat(beam.version()).as("the beam is the caller's: one sidecar serves both").contains(" beam=5 ");
            assertThat(SpeechFixtures.words(beamTexts.get(0))).containsAnyOf("seven", "7");
            assertThat(greedy.serverProcess()).as("the recogniser manages no process of its own").isEmpty();
            assertThat(sidecar.isAlive()).as("its stdin was at EOF from the start: --no-parent-watch").isTrue();
        }
        assertThat(sidecar.isAlive()).as("closing a recogniser leaves the sidecar to Kubernetes").isTrue();
    }

    @Test
    void aSidecarKilledMidBatchFailsItTransientlyAndTheRetryWaitsForTheRestartedSidecar() throws Exception {
        int port = ChildProcess.freeLoopbackPort();
        sidecar = startSidecar(port, "kill-1.log");
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (WhisperRecognizer whisper = new WhisperRecognizer(settings(port, "kill"))) {
            whisper.version();
            Future<List<String>> inFlight = caller.submit(
                    () -> whisper.recognize(Collections.nCopies(24, sentence), "audio"));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> Files.readString(dir.resolve("kill-1.log")).contains("transcribing 24 item(s)"));
            assertThat(inFlight).as("the batch is still being transcribed when the sidecar is killed").isNotDone();
            sidecar.destroyForcibly(); // SIGKILL, as an OOM kill of the container
            sidecar.waitFor(30, TimeUnit.SECONDS);

            assertThatThrownBy(() -> inFlight.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(RecognizerUnavailableException.class, e -> {
                        assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.TRANSIENT);
                        assertThat(e.getMessage()).contains("127.0.0.1:" + port).contains("must be retried");
                    });

            // the worker's retry while the container restarts: it waits for /health instead of failing the batch
            Future<List<String>> retry = caller.submit(() -> whisper.recognize(List.of(sentence), "audio"));
            sidecar = startSidecar(port, "kill-2.log");

            assertThat(SpeechFixtures.words(retry.get(180, TimeUnit.SECONDS).get(0)))
                    .contains("deficiency", "tuberculosis", "adults");
            assertThat(whisper.starts()).as("connections to a ready sidecar").isEqualTo(2);
        } finally {
            caller.shutdownNow();
        }
    }

    /**
     * The container: the image's entrypoint and environment, the chart's arguments, stdin at EOF. {@code -S}: none of
     * this host's site-packages, which the image's bare Python base does not have either, so a package missing from
     * the image's tree fails here as it would in the pod.
     */
    private static Process startSidecar(int port, String logName) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("python3", "-S", layout.resolve("whisper_server.py").toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--device", "cpu", "--no-parent-watch");
        pb.environment().put("PYTHONPATH", layout.resolve("site-packages").toString());
        pb.environment().put("PYTHONNOUSERSITE", "1");
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        pb.environment().put("HF_HUB_OFFLINE", "1");
        pb.environment().put("HOME", dir.toString());
        return pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectErrorStream(true)
                .redirectOutput(dir.resolve(logName).toFile()).start();
    }

    /** The chart's exec probe; its exit status. */
    private static int probe(int port) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", "-S", layout.resolve("whisper_probe.py").toString(), "--port",
                Integer.toString(port)).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    private static WhisperSettings settings(int port, String name) {
        return WhisperSettings.defaults().withServer(URI.create("http://127.0.0.1:" + port))
                .withLog(dir.resolve(name + "-unused.log"));
    }
}
