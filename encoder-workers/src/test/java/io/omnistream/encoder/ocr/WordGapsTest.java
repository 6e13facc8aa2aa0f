package io.omnistream.encoder.ocr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Word gaps on hand-drawn 48-pixel-high lines: ink bars of chosen widths separated by blank runs of chosen widths. */
class WordGapsTest {
    /** Columns: positive = ink of that width, negative = blank of that width; ink = {@code fg}, the rest {@code bg}. */
    private static BgrImage line(float bg, float fg, int... columns) {
        int w = Arrays.stream(columns).map(Math::abs).sum();
        float[] data = new float[3 * w * 48];
        Arrays.fill(data, bg);
        int x = 0;
        for (int c : columns) {
            for (int i = 0; i < Math.abs(c); i++, x++) {
                if (c > 0) {
                    for (int ch = 0; ch < 3; ch++) {
                        for (int y = 10; y < 40; y++) {
                            data[(ch * 48 + y) * w + x] = fg;
                        }
                    }
                }
            }
        }
        return new BgrImage(w, 48, data);
    }

    @Test
    void onlyRunsWideAgainstHeightAndLetterGapsAreWordGaps() {
        // margin 5, letters 10 wide with gaps of 4, one gap of 20 (>= 0.3 * 48 = 14.4 and >= 2 * median 4), margin 5
        BgrImage l = line(255, 0, -5, 10, -4, 10, -4, 10, -20, 10, -4, 10, -5);

        assertThat(WordGaps.gaps(l)).containsExactly(new int[] {43, 63});
    }

    @Test
    void lightTextOnDarkWorksToo() {
        BgrImage l = line(20, 230, -5, 10, -4, 10, -20, 10, -4, 10, -5);

        assertThat(WordGaps.gaps(l)).containsExactly(new int[] {29, 49});
    }

    @Test
    void narrowRunsAreLetterGapsEvenWhenAllAreEqual() {
        assertThat(WordGaps.gaps(line(255, 0, -5, 10, -8, 10, -8, 10, -5))).isEmpty();
    }

    @Test
    void aBlankLineHasNoGaps() {
        assertThat(WordGaps.gaps(line(255, 0, -100))).isEmpty();
    }

    @Test
    void medianOfGreyLevels() {
        assertThat(WordGaps.median(new float[] {0, 0, 255, 255, 255})).isEqualTo(255f);
        assertThat(WordGaps.median(new float[] {10.2f, 200, 10.4f})).isEqualTo(10f);
    }

    @Test
    void aSpaceGoesBetweenTheCharactersTheGapSeparates() {
        // "ab" read at steps 1 and 3, "cd" at 7 and 9; steps 8 columns wide: centres 12, 28 | 60, 76; gap 40..52
        CtcDecoder.Line read = new CtcDecoder.Line(List.of("a", "b", "c", "d"), new int[] {1, 3, 7, 9}, 0.9);

        assertThat(WordGaps.withSpaces(read, List.of(new int[] {40, 52}), 8.0)).isEqualTo("ab cd");
        assertThat(WordGaps.withSpaces(read, List.of(), 8.0)).isEqualTo("abcd");
    }

    @Test
    void spacesTheModelReadAreNotDoubled() {
        CtcDecoder.Line read = new CtcDecoder.Line(List.of("a", " ", "b"), new int[] {1, 5, 9}, 0.9);

        assertThat(WordGaps.withSpaces(read, List.of(new int[] {30, 50}), 8.0)).isEqualTo("a b");
    }
}
