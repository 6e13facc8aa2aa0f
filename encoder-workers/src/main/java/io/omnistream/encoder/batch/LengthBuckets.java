package io.omnistream.encoder.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Splits one micro-batch into sub-batches of similar sequence length, so a batch that mixes 10-token queries with
 * 300-token passages is not padded to 300 tokens throughout (transformer cost grows with batch × padded length, and
 * attention with its square). Bucketing changes only speed: padding is masked, so vectors are the same either way.
 */
public final class LengthBuckets {
    private LengthBuckets() {}

    /**
     * Plans sub-batches. Items are taken shortest first; the current sub-batch is closed when adding the next item
     * would make its padded size ({@code count × longest}) exceed {@code maxPaddingRatio} times its real token count.
     *
     * @param lengths         token count of each item (index = position in the micro-batch)
     * @param maxPaddingRatio padded/real token ratio allowed per sub-batch, &gt;= 1; {@code Double.POSITIVE_INFINITY}
     *                        keeps everything in one sub-batch (in original order)
     * @return sub-batches as arrays of item indices; every index appears exactly once
     */
    public static List<int[]> plan(int[] lengths, double maxPaddingRatio) {
        if (!(maxPaddingRatio >= 1.0)) {
            throw new IllegalArgumentException("maxPaddingRatio must be >= 1, got " + maxPaddingRatio);
        }
        if (lengths.length == 0) {
            return List.of();
        }
        if (Double.isInfinite(maxPaddingRatio)) {
            return List.of(IntStream.range(0, lengths.length).toArray());
        }
        Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> lengths[i]).thenComparingInt(i -> i));
        List<int[]> buckets = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        long realTokens = 0;
        for (int idx : order) {
            int len = Math.max(1, lengths[idx]);
            long padded = (long) (current.size() + 1) * len;
            if (!current.isEmpty() && padded > maxPaddingRatio * (realTokens + len)) {
                buckets.add(current.stream().mapToInt(Integer::intValue).toArray());
                current.clear();
                realTokens = 0;
            }
            current.add(idx);
            realTokens += len;
        }
        buckets.add(current.stream().mapToInt(Integer::intValue).toArray());
        return buckets;
    }
}
