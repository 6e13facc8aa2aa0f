package io.omnistream.encoder.batch;

/**
 * Which end of a row the padding of a run's shorter texts goes to; declared per model in the registry
 * ({@code paddingSide}). Encoders (BERT family) are padded on the right. Decoder embedders are usually trained
 * left-padded, so that every row's last token sits in the final position; with {@link PositionIds} and a pooling that
 * reads the attention mask, a text's vector is the same on either side and alone.
 */
public enum PaddingSide {
    /** Tokens first, then padding: {@code [t0 t1 t2 pad pad]}. */
    RIGHT {
        @Override
        public int start(int length, int width) {
            checkFits(length, width);
            return 0;
        }
    },
    /** Padding first, then tokens: {@code [pad pad t0 t1 t2]}. */
    LEFT {
        @Override
        public int start(int length, int width) {
            checkFits(length, width);
            return width - length;
        }
    };

    /** Index in a row of {@code width} positions at which a text of {@code length} tokens starts. */
    public abstract int start(int length, int width);

    private static void checkFits(int length, int width) {
        if (length < 0 || length > width) {
            throw new IllegalArgumentException("a row of " + length + " tokens does not fit a run " + width + " wide");
        }
    }
}
