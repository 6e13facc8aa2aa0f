package io.omnistream.encoder.cascade;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One event's media, decoded by its transcriber ({@link MediaTranscriber#decode}) and waiting for its recogniser:
 * the recogniser's inputs (page images, kept video frames, a 16 kHz WAV), how to turn the recogniser's texts for
 * them into the event's text, and what to delete afterwards. Splitting decode from recognition lets the worker hand
 * the inputs of many events to one recogniser call ({@link Recognitions#run}).
 *
 * <p>Not thread-safe; {@link #close()} releases the inputs (deletes temporary files) and must follow the recognition.
 *
 * @param <I> the recogniser's input type
 */
public final class Recognition<I> implements AutoCloseable {
    private final Object engine;
    private final BiFunction<List<I>, String, List<String>> recognizer;
    private final List<I> inputs;
    private final long weight;
    private final String what;
    private final Function<List<String>, String> finish;
    private final Runnable release;

    /**
     * @param engine     the recogniser instance: recognitions are batched together only with those of the same one
     * @param recognizer the engine's batch call ({@code OcrEngine::recognize}, {@code SpeechRecognizer::recognize}):
     *                   one text per input, in order
     * @param inputs     what to recognise for this event; empty = nothing (the text is {@code finish} of no texts)
     * @param weight     the inputs' share of a call's memory bound ({@link Recognitions#run}): pixels for images,
     *                   the number of files for audio
     * @param what       the inputs' kind, for error messages ("document page", "audio", ...)
     * @param finish     the event's text from its inputs' texts (joining pages, folding repeated video frames)
     * @param release    run once by {@link #close()} (temporary files), may be a no-op
     */
    public Recognition(Object engine, BiFunction<List<I>, String, List<String>> recognizer, List<I> inputs,
                       long weight, String what, Function<List<String>, String> finish, Runnable release) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.recognizer = Objects.requireNonNull(recognizer, "recognizer");
        this.inputs = List.copyOf(inputs);
        this.weight = weight;
        this.what = what;
        this.finish = finish;
        this.release = release;
    }

    /** The weight of image inputs: their pixels (what bounds a call's memory). */
    public static long pixels(List<? extends java.awt.image.BufferedImage> images) {
        long sum = 0;
        for (java.awt.image.BufferedImage image : images) {
            sum += (long) image.getWidth() * image.getHeight();
        }
        return sum;
    }

    Object engine() {
        return engine;
    }

    List<I> inputs() {
        return inputs;
    }

    /** See the constructor's {@code weight}. */
    public long weight() {
        return weight;
    }

    String what() {
        return what;
    }

    /** The engine's texts for {@code batch} (this recognition's inputs, possibly with other events' of the same engine). */
    List<String> call(List<I> batch) {
        return recognizer.apply(batch, what);
    }

    /** This event's text, given the engine's texts for its inputs. */
    String finish(List<String> texts) {
        return finish.apply(texts);
    }

    /** Recognises this event's inputs on their own and returns its text (the single-event path). */
    String recognizeAlone() {
        return finish(inputs.isEmpty() ? List.of() : call(inputs));
    }

    @Override
    public void close() {
        release.run();
    }
}
