package io.omnistream.encoder.asr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.runtime.error.FailureKind;
import io.omnistream.runtime.error.PermanentFailureException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real recogniser: the pinned venv (installed on first use, or by scripts/install-whisper.sh), the real tiny.en
 * model, real speech (FSDD recordings, espeak-ng synthesis) converted to 16 kHz mono by ffmpeg. Skipped, with the
 * reason, where the venv cannot be installed or ffmpeg/espeak-ng/the shared data are missing.
 */
class WhisperRecognizerIT {
    private static final String SENTENCE = "Vitamin D deficiency increases the risk of tuberculosis in adults.";
    private static final List<String> DIGIT_WORDS = List.of("zero", "one", "two", "three", "four", "five", "six",
            "seven", "eight", "nine");

    @TempDir
    static Path dir;
    private static Path python;
    private static SpeechFixtures speech;
    private static Path sentence;

    @BeforeAll
    static void installAndPrepareAudio() throws Exception {
        speech = new SpeechFixtures(dir);
        String missing = speech.missing();
        Assumptions.assumeTrue(missing == null, missing);
        try {
            python = WhisperVenv.ensureInstalled(WhisperVenv.defaultVenvDir(), "python3");
        } catch (IllegalStateException e) {
            Assumptions.abort("the Whisper venv cannot be installed here (run encoder-workers/scripts/install-whisper.sh "
                    + "where PyPI is reachable): " + e.getMessage());
        }
        sentence = speech.spoken(SENTENCE, "sentence.wav");
    }

    @Test
    void transcribesSpokenDigitsAndASynthesisedSentence() throws Exception {
        try (WhisperRecognizer whisper = new WhisperRecognizer(settings("words"))) {
            assertThat(whisper.version()).startsWith("whisper tiny.en ct2@").contains("faster-whisper 1.2.1")
                    .contains("beam=1");

            // greedy tiny.en gets ~70 % of bare FSDD digits (measuresSpokenDigitsAndSentences); these three it gets
            List<String> texts = whisper.recognize(List.of(digit(0, "jackson", 1), sentence, digit(4, "jackson", 0),
                    digit(7, "jackson", 0)), "audio");

            assertThat(texts).hasSize(4);
            assertThat(words(texts.get(0))).containsAnyOf("zero", "0");
            assertThat(words(texts.get(1))).contains("deficiency", "increases", "risk", "tuberculosis", "adults");
            assertThat(words(texts.get(2))).containsAnyOf("four", "4");
            assertThat(words(texts.get(3))).containsAnyOf("seven", "7");
            assertThat(whisper.starts()).isEqualTo(1);
        }
    }

    @Test
    void theSameAudioGivesTheSameTextEvenWhereGreedyDecodingStruggles() throws Exception {
        // a SciFact claim tiny.en gets badly wrong: with faster-whisper's default temperature fallback its two copies
        // came back as different texts; the recogniser's version promises one text per file
        Path hard = speech.spoken("A high microerythrocyte count raises vulnerability to severe anemia "
                + "in homozygous alpha (+)- thalassemia trait subjects.", "hard.wav");
        try (WhisperRecognizer whisper = new WhisperRecognizer(settings("determinism"))) {
            List<String> texts = whisper.recognize(List.of(hard, hard, hard), "audio");

            assertThat(texts.get(0)).isNotBlank();
            assertThat(texts).containsOnly(texts.get(0));
        }
    }

    @Test
    void undecodableAudioAndTheBudgetArePermanentFailuresNamingTheItem() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.wav"), "this is not a RIFF file");
        Path wrongRate = dir.resolve("22k-sentence.wav"); // espeak-ng's own 22,050 Hz output, not converted
        try (WhisperRecognizer whisper = new WhisperRecognizer(settings("bad"))) {
            assertThatThrownBy(() -> whisper.recognize(List.of(sentence, garbage), "audio"))
                    .isInstanceOfSatisfying(PermanentFailureException.class,
                            e -> assertThat(e.stage()).isEqualTo("preprocess"))
                    .hasMessageStartingWith("audio item 2 of 2: whisper cannot read it: not a readable PCM WAV");
            assertThatThrownBy(() -> whisper.recognize(List.of(wrongRate), "audio"))
                    .isInstanceOf(PermanentFailureException.class)
                    .hasMessageContaining("expected 16 kHz mono 16-bit PCM, got 22050 Hz");
            assertThat(whisper.starts()).as("input errors do not restart the server").isEqualTo(1);
        }
        try (WhisperRecognizer tight = new WhisperRecognizer(settings("budget").withBudgetPerItem(Duration.ofMillis(1)))) {
            assertThatThrownBy(() -> tight.recognize(List.of(sentence), "audio"))
                    .isInstanceOf(PermanentFailureException.class)
                    .hasMessageContaining("over the 0.001 s budget");
        }
    }

    @Test
    void aServerKilledMidBatchFailsTheCallTransientlyAndTheNextCallRestartsIt() throws Exception {
        Path log = dir.resolve("kill.log");
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (WhisperRecognizer whisper = new WhisperRecognizer(settings("kill").withLog(log))) {
            whisper.version(); // started and ready
            ProcessHandle first = whisper.serverProcess().orElseThrow();
            List<Path> batch = Collections.nCopies(24, sentence); // seconds of work: the kill lands inside it

            Future<List<String>> inFlight = caller.submit(() -> whisper.recognize(batch, "audio"));
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("transcribing 24 item(s)"));
            assertThat(inFlight).as("the batch is still being transcribed when the server is killed").isNotDone();
            first.destroyForcibly();

            assertThatThrownBy(() -> inFlight.get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(RecognizerUnavailableException.class, e -> {
                        assertThat(e).isNotInstanceOf(PermanentFailureException.class);
                        assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.TRANSIENT);
                        assertThat(e.getMessage()).contains("pid " + first.pid()).contains("must be retried");
                    });
            assertThat(first.isAlive()).isFalse();

            List<String> retried = whisper.recognize(List.of(sentence, digit(7, "jackson", 0)), "audio");

            assertThat(words(retried.get(0))).contains("deficiency", "tuberculosis", "adults");
            assertThat(words(retried.get(1))).containsAnyOf("seven", "7");
            assertThat(whisper.starts()).isEqualTo(2);
            assertThat(whisper.serverProcess().orElseThrow().pid()).isNotEqualTo(first.pid());
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    void closeDoesNotWaitForTheBatchInFlightWhichFailsTransiently() throws Exception {
        Path log = dir.resolve("close.log");
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            WhisperRecognizer whisper = new WhisperRecognizer(settings("close").withLog(log));
            whisper.version();
            ProcessHandle server = whisper.serverProcess().orElseThrow();
            Future<List<String>> inFlight = caller.submit(
                    () -> whisper.recognize(Collections.nCopies(24, sentence), "audio"));
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("transcribing 24 item(s)"));

            whisper.close();

            assertThat(server.isAlive()).isFalse();
            assertThatThrownBy(() -> inFlight.get(60, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(RecognizerUnavailableException.class);
            assertThatThrownBy(() -> whisper.recognize(List.of(sentence), "audio"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    void theServerExitsWhenItsStdinClosesAsWhenTheJvmDies() throws Exception {
        Path script = Files.writeString(dir.resolve("whisper_server.py"), WhisperVenv.serverScript());
        int port = io.omnistream.runtime.process.ChildProcess.freeLoopbackPort();
        Process server = new ProcessBuilder(python.toString(), script.toString(), "--port", Integer.toString(port),
                "--device", "cpu").redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdin-eof.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200);

            server.getOutputStream().close(); // what the kernel does to the pipe when the JVM is kill -9'd

            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("exited after its stdin closed").isTrue();
            assertThat(server.exitValue()).as("the parent-watch exit, not a signal").isZero();
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void measuresSpokenDigitsAndSentences() throws Exception {
        List<Path> digits = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (String speaker : List.of("jackson", "theo")) {
            for (int d = 0; d < 10; d++) {
                digits.add(digit(d, speaker, 1));
                labels.add(d);
            }
        }
        long t0 = System.nanoTime();
        try (WhisperRecognizer whisper = new WhisperRecognizer(settings("measure"))) {
            whisper.version();
            double coldStart = seconds(t0);
            whisper.recognize(List.of(sentence), "audio"); // first decode warms the kernels
            long t1 = System.nanoTime();
            List<String> texts = whisper.recognize(digits, "audio");
            double digitSeconds = seconds(t1);
            long t2 = System.nanoTime();
            whisper.recognize(Collections.nCopies(5, sentence), "audio");
            double sentenceSeconds = seconds(t2);
            int hits = 0;
            for (int i = 0; i < texts.size(); i++) {
                List<String> w = words(texts.get(i));
                hits += w.contains(DIGIT_WORDS.get(labels.get(i))) || w.contains(Integer.toString(labels.get(i))) ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "[whisper-measure] %s%n  cold start %.2f s; FSDD %d digits %.2f s "
                            + "(%.3f s/item, %.2f items/s, %d correct); espeak sentence %.3f s/item; peak RSS %d MiB%n",
                    whisper.version(), coldStart, digits.size(), digitSeconds, digitSeconds / digits.size(),
                    digits.size() / digitSeconds, hits, sentenceSeconds / 5, whisper.serverPeakRssKb().orElse(-1024) / 1024);
            // far above chance (2 of 20); the issue's 80 % is for the retrieval task, not this bare sample
            assertThat(hits).as("digits recognised of %s: %s", digits.size(), texts).isGreaterThanOrEqualTo(10);
        }
    }

    private static WhisperSettings settings(String name) {
        return WhisperSettings.defaults().withDevice(WhisperSettings.Device.CPU).withLog(dir.resolve(name + ".log"));
    }

    private static Path digit(int digit, String speaker, int take) throws Exception {
        return speech.digit(digit, speaker, take);
    }

    private static List<String> words(String text) {
        return SpeechFixtures.words(text);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
