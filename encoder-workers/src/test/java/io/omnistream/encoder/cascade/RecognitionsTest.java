package io.omnistream.encoder.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.error.PermanentFailureException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecognitionsTest {

    /** A recogniser that upper-cases its inputs, records each call's inputs and rejects inputs starting with "bad". */
    private static final class Engine {
        final List<List<String>> calls = new ArrayList<>();

        List<String> recognize(List<String> inputs, String what) {
            calls.add(List.copyOf(inputs));
            for (String in : inputs) {
                if (in.startsWith("bad")) {
                    throw new PermanentFailureException("preprocess", what + " " + in + " is unreadable");
                }
            }
            return inputs.stream().map(String::toUpperCase).toList();
        }
    }

    private static Recognition<String> pages(Engine engine, long weight, String... inputs) {
        return new Recognition<>(engine, engine::recognize, List.of(inputs), weight, "page",
                texts -> String.join(" ", texts), () -> { });
    }

    /** A video whose frames all looked alike but none kept, say: no inputs, the text comes from finish alone. */
    private static Recognition<String> noFrames(Engine engine) {
        return new Recognition<>(engine, engine::recognize, List.of(), 0, "video frame",
                texts -> texts.isEmpty() ? "no frames" : "called", () -> { });
    }

    @Test
    void theEventsOfOneEngineGoInOneCallAndEachGetsItsOwnTexts() {
        Engine ocr = new Engine();
        Engine asr = new Engine();

        List<Recognitions.Result> results = Recognitions.run(List.of(pages(ocr, 10, "a", "b"), pages(asr, 1, "x"),
                pages(ocr, 10, "c"), noFrames(ocr), pages(asr, 1, "y")), 100);

        assertThat(results).extracting(Recognitions.Result::text).containsExactly("A B", "X", "C", "no frames", "Y");
        assertThat(ocr.calls).containsExactly(List.of("a", "b", "c"));
        assertThat(asr.calls).containsExactly(List.of("x", "y"));
        assertThat(results).allMatch(Recognitions.Result::ok);
    }

    @Test
    void callsAreBoundedByWeightAndAnEventAboveTheBoundGoesAlone() {
        Engine ocr = new Engine();

        List<Recognitions.Result> results = Recognitions.run(List.of(pages(ocr, 40, "a"), pages(ocr, 50, "b"),
                pages(ocr, 30, "c"), pages(ocr, 250, "d", "e"), pages(ocr, 10, "f")), 100);

        assertThat(ocr.calls).containsExactly(List.of("a", "b"), List.of("c"), List.of("d", "e"), List.of("f"));
        assertThat(results).extracting(Recognitions.Result::text).containsExactly("A", "B", "C", "D E", "F");
    }

    @Test
    void aRejectedInputFailsOnlyItsOwnEventTheOthersAreRecognisedAgainAlone() {
        Engine ocr = new Engine();

        List<Recognitions.Result> results = Recognitions.run(List.of(pages(ocr, 1, "a"), pages(ocr, 1, "b", "bad-2"),
                pages(ocr, 1, "c")), 100);

        assertThat(results.get(0).text()).isEqualTo("A");
        assertThat(results.get(1).ok()).isFalse();
        assertThat(results.get(1).failure()).isInstanceOf(PermanentFailureException.class)
                .hasMessage("page bad-2 is unreadable");
        assertThat(results.get(2).text()).isEqualTo("C");
        assertThat(ocr.calls).containsExactly(List.of("a", "b", "bad-2", "c"), List.of("a"), List.of("b", "bad-2"),
                List.of("c"));
    }

    @Test
    void aTransientFailureFailsTheWholeRunForTheBatchToBeRetried() {
        AtomicInteger calls = new AtomicInteger();
        Recognition<String> flaky = new Recognition<>(calls, (in, what) -> {
            calls.incrementAndGet();
            throw new UncheckedIOException(new java.io.IOException("recogniser connection reset"));
        }, List.of("a"), 1, "audio", texts -> texts.get(0), () -> { });

        assertThatThrownBy(() -> Recognitions.run(List.of(flaky, flaky), 100))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("connection reset");
        assertThat(calls).as("no one-by-one retry of a transient failure").hasValue(1);
    }

    @Test
    void aFinishThatRejectsTheTextFailsOnlyThatEvent() {
        Engine ocr = new Engine();
        Recognition<String> picky = new Recognition<>(ocr, ocr::recognize, List.of("q"), 1, "page", texts -> {
            throw new PermanentFailureException("preprocess", "no usable text");
        }, () -> { });

        List<Recognitions.Result> results = Recognitions.run(List.of(pages(ocr, 1, "a"), picky), 100);

        assertThat(results.get(0).text()).isEqualTo("A");
        assertThat(results.get(1).failure()).hasMessage("no usable text");
        assertThat(ocr.calls).hasSize(1);
    }

    @Test
    void closeRunsTheReleaseAndTranscribeAloneRecognisesOneEvent() {
        Engine ocr = new Engine();
        AtomicInteger released = new AtomicInteger();
        Recognition<String> r = new Recognition<>(ocr, ocr::recognize, List.of("a", "b"), 1, "page",
                texts -> String.join("+", texts), released::incrementAndGet);

        assertThat(r.recognizeAlone()).isEqualTo("A+B");
        r.close();

        assertThat(released).hasValue(1);
        assertThat(noFrames(ocr).recognizeAlone()).isEqualTo("no frames");
        assertThat(ocr.calls).as("nothing to recognise: no call").hasSize(1);
    }
}
