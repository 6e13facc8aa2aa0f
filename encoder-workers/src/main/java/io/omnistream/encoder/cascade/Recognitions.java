package io.omnistream.encoder.cascade;

import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.runtime.error.FailureKind;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the recognitions of many events ({@link Recognition}s decoded by their transcribers) with as few recogniser
 * calls as their bound allows: recognitions of the same engine go to it together, in input order, in calls of at most
 * {@code maxWeightPerCall} (pixels for OCR: the decoded images of a call are in memory together), so PP-OCR batches
 * the lines of every page and frame of a micro-batch and Whisper gets one request for all its clips.
 *
 * <p>Failure contract (the worker's): a transient failure (a recogniser that crashed, timed out or is not ready)
 * propagates, and the whole batch is retried. A permanent one (an input the engine rejects) is isolated: the call's
 * recognitions are run again one by one, so only the event whose input the engine rejects alone fails, with its own
 * reason, and the others keep their texts.
 */
public final class Recognitions {
    private Recognitions() {}

    /**
     * An event's outcome: its text, or the permanent failure of its own recognition; {@code seconds} is its share of
     * the recogniser calls' wall time (a call's time split evenly over its events).
     */
    public record Result(String text, RuntimeException failure, double seconds) {
        public boolean ok() {
            return failure == null;
        }
    }

    /**
     * @param recognitions     one per event, in input order
     * @param maxWeightPerCall most weight (see {@link Recognition}) one call may carry; a single recognition above it
     *                         still goes alone
     * @return one result per recognition, in the same order
     * @throws RuntimeException a transient failure of any call (nothing is returned then)
     */
    public static List<Result> run(List<? extends Recognition<?>> recognitions, long maxWeightPerCall) {
        Result[] results = new Result[recognitions.size()];
        Map<Object, List<Integer>> byEngine = new IdentityHashMap<>();
        List<Object> engines = new ArrayList<>();
        for (int i = 0; i < recognitions.size(); i++) {
            Recognition<?> r = recognitions.get(i);
            if (r.inputs().isEmpty()) {
                results[i] = attempt(r, () -> r.finish(List.of()), 0);
                continue;
            }
            byEngine.computeIfAbsent(r.engine(), e -> {
                engines.add(e);
                return new ArrayList<>();
            }).add(i);
        }
        for (Object engine : engines) {
            List<Integer> members = byEngine.get(engine);
            int start = 0;
            while (start < members.size()) {
                int end = start + 1;
                long weight = recognitions.get(members.get(start)).weight();
                while (end < members.size() && weight + recognitions.get(members.get(end)).weight() <= maxWeightPerCall) {
                    weight += recognitions.get(members.get(end)).weight();
                    end++;
                }
                call(recognitions, members.subList(start, end), results);
                start = end;
            }
        }
        return List.of(results);
    }

    /** One recogniser call for {@code chunk} (indices into {@code all}, all of one engine). */
    private static void call(List<? extends Recognition<?>> all, List<Integer> chunk, Result[] results) {
        if (chunk.size() == 1) {
            Recognition<?> r = all.get(chunk.get(0));
            long t0 = System.nanoTime();
            Result alone = attempt(r, r::recognizeAlone, 0);
            results[chunk.get(0)] = new Result(alone.text(), alone.failure(), (System.nanoTime() - t0) / 1e9);
            return;
        }
        long t0 = System.nanoTime();
        List<String> texts = new ArrayList<>();
        RuntimeException failure = permanentOf(() -> texts.addAll(callTogether(all, chunk)));
        if (failure != null) {
            // which input the engine rejected is not known in general: each event alone gets its own verdict
            for (int i : chunk) {
                call(all, List.of(i), results);
            }
            return;
        }
        double share = (System.nanoTime() - t0) / 1e9 / chunk.size();
        int offset = 0;
        for (int i : chunk) {
            Recognition<?> r = all.get(i);
            List<String> own = texts.subList(offset, offset + r.inputs().size());
            offset += r.inputs().size();
            results[i] = attempt(r, () -> r.finish(own), share);
        }
    }

    @SuppressWarnings("unchecked")
    private static <I> List<String> callTogether(List<? extends Recognition<?>> all, List<Integer> chunk) {
        List<I> inputs = new ArrayList<>();
        for (int i : chunk) {
            inputs.addAll(((Recognition<I>) all.get(i)).inputs());
        }
        Recognition<I> first = (Recognition<I>) all.get(chunk.get(0));
        List<String> texts = first.call(inputs);
        if (texts.size() != inputs.size()) {
            throw new IllegalStateException(first.what() + ": the recogniser returned " + texts.size() + " texts for "
                    + inputs.size() + " inputs");
        }
        return texts;
    }

    private static Result attempt(Recognition<?> r, java.util.function.Supplier<String> text, double seconds) {
        String[] out = new String[1];
        RuntimeException failure = permanentOf(() -> out[0] = text.get());
        return new Result(failure == null ? out[0] : null, failure, seconds);
    }

    /** Runs {@code step}; returns its permanent failure, rethrows any other. */
    private static RuntimeException permanentOf(Runnable step) {
        try {
            step.run();
            return null;
        } catch (RuntimeException e) {
            if (FailureClassifier.classify(e) == FailureKind.PERMANENT) {
                return e;
            }
            throw e;
        }
    }
}
