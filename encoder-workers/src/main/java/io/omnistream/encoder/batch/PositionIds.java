package io.omnistream.encoder.batch;

/**
 * The {@code position_ids} input of decoder graphs, computed from the attention mask the way Hugging Face computes
 * it for padded batches: a real token's position is the number of real tokens before it in its row, a padded
 * position gets 0 (its state is masked out, the value only has to be a valid index). So a left-padded text gets the
 * positions 0, 1, 2, ... it gets alone, whatever the padding side and the run's width.
 */
public final class PositionIds {
    private PositionIds() {}

    /**
     * @param mask attention mask, row-major {@code [batch, seq]}, 1 = real token, 0 = padding
     * @return position ids, row-major {@code [batch, seq]}
     */
    public static long[] fromMask(long[] mask, int batch, int seq) {
        if (mask.length != (long) batch * seq) {
            throw new IllegalArgumentException("mask has " + mask.length + " values for [batch=" + batch + ", seq="
                    + seq + "]");
        }
        long[] positions = new long[mask.length];
        for (int b = 0; b < batch; b++) {
            long seen = 0;
            for (int t = 0; t < seq; t++) {
                int i = b * seq + t;
                if (mask[i] != 0) {
                    positions[i] = seen++;
                }
            }
        }
        return positions;
    }
}
