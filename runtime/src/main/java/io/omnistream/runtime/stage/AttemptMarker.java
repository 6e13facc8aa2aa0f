package io.omnistream.runtime.stage;

import java.util.Optional;

/**
 * What the committed offset's metadata says about the batch starting at {@code offset}: how many times its processing
 * began ({@code attempt=N}), and up to which offset of the partition records are processed one at a time
 * ({@code until=E}, the last offset of the batch that was being processed when a process died; absent = -1).
 *
 * <p>A process that dies while processing leaves {@code attempt=N;until=E} behind. The next owner of the partition
 * then processes offsets {@code offset..E} in batches of one record, so that the next crash is blamed on the record
 * that caused it rather than on the first record of a larger batch.
 *
 * @param offset   the first offset of the batch (the committed position)
 * @param attempts processing attempts begun at {@code offset} without completing
 * @param until    last offset processed alone after a crash, or -1 for none
 */
record AttemptMarker(long offset, int attempts, long until) {
    private static final String PREFIX = "attempt=";
    private static final String UNTIL = ";until=";

    /** A marker without isolation range. */
    AttemptMarker(long offset, int attempts) {
        this(offset, attempts, -1);
    }

    String metadata() {
        return until >= 0 ? PREFIX + attempts + UNTIL + until : PREFIX + attempts;
    }

    /** Whether records from {@code offset} up to {@link #until} are to be processed one at a time. */
    boolean isolates() {
        return until >= offset;
    }

    /**
     * The marker in {@code metadata} committed at {@code offset}, or empty for none (a plain commit, or foreign
     * metadata). A marker of an older release ({@code attempt=N} alone, N ≥ 1) isolates just the record at
     * {@code offset}.
     */
    static Optional<AttemptMarker> parse(long offset, String metadata) {
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = metadata.substring(PREFIX.length()).trim();
        try {
            int cut = rest.indexOf(UNTIL);
            if (cut < 0) {
                int attempts = Integer.parseInt(rest);
                return Optional.of(new AttemptMarker(offset, attempts, attempts >= 1 ? offset : -1));
            }
            return Optional.of(new AttemptMarker(offset, Integer.parseInt(rest.substring(0, cut)),
                    Long.parseLong(rest.substring(cut + UNTIL.length()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
