package io.omnistream.encoder.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LengthBucketsTest {
    @Test
    void separatesShortQueriesFromLongPassages() {
        int[] lengths = {300, 12, 290, 10, 11, 310};
        List<int[]> buckets = LengthBuckets.plan(lengths, 1.5);
        assertThat(buckets).hasSize(2);
        assertThat(buckets.get(0)).containsExactlyInAnyOrder(1, 3, 4);
        assertThat(buckets.get(1)).containsExactlyInAnyOrder(0, 2, 5);
    }

    @Test
    void similarLengthsStayInOneBucket() {
        assertThat(LengthBuckets.plan(new int[] {20, 21, 22, 23, 24}, 1.5)).hasSize(1);
    }

    @Test
    void infinityKeepsOneBucketInOriginalOrder() {
        List<int[]> buckets = LengthBuckets.plan(new int[] {300, 5, 100}, Double.POSITIVE_INFINITY);
        assertThat(buckets).hasSize(1);
        assertThat(buckets.get(0)).containsExactly(0, 1, 2);
    }

    @Test
    void everyIndexExactlyOnceAndPaddingBoundHoldsOnRandomInput() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int[] lengths = IntStream.range(0, 1 + random.nextInt(64)).map(i -> 1 + random.nextInt(512)).toArray();
            double ratio = 1.0 + random.nextDouble() * 2;
            List<int[]> buckets = LengthBuckets.plan(lengths, ratio);
            int[] all = buckets.stream().flatMapToInt(Arrays::stream).sorted().toArray();
            assertThat(all).containsExactly(IntStream.range(0, lengths.length).toArray());
            for (int[] b : buckets) {
                long real = Arrays.stream(b).mapToLong(i -> lengths[i]).sum();
                long padded = (long) b.length * Arrays.stream(b).map(i -> lengths[i]).max().orElseThrow();
                if (b.length > 1) {
                    assertThat((double) padded).isLessThanOrEqualTo(ratio * real + 1e-9);
                }
            }
        }
    }

    @Test
    void emptyInputGivesNoBuckets() {
        assertThat(LengthBuckets.plan(new int[0], 1.5)).isEmpty();
    }

    @Test
    void rejectsRatioBelowOne() {
        assertThatThrownBy(() -> LengthBuckets.plan(new int[] {1}, 0.9)).isInstanceOf(IllegalArgumentException.class);
    }
}
