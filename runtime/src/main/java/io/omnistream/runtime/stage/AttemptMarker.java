package io.omnistream.runtime.stage;

import java.util.Optional;

/**
 * How many times processing of the batch starting at {@code offset} has begun, as written into the committed
 * offset's metadata ({@code attempt=N}) before each batch. A process that dies while processing leaves the marker
 * behind; the next owner of the partition reads it and knows how often that record was already tried.
 */
record AttemptMarker(long offset, int attempts) {
    private static final String PREFIX = "attempt=";

    String metadata() {
        return PREFIX + attempts;
    }

    /** The attempts recorded in {@code metadata}, or empty for none (a plain commit, or foreign metadata). */
    static Optional<Integer> parse(String metadata) {
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(metadata.substring(PREFIX.length()).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
