package io.omnistream.encoder.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Greedy CTC decoding on hand-made probabilities over the real PP-OCR dictionary (6623 entries). */
class CtcDecoderTest {
    private static List<String> dictionary;
    private static CtcDecoder decoder;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = CtcDecoderTest.class.getClassLoader().getResourceAsStream("ppocr/ppocr_keys_v1.txt")) {
            dictionary = CtcDecoder.readDictionary(in);
        }
        decoder = new CtcDecoder(dictionary);
    }

    /** Class index of a character: 1 + its dictionary line, the space is the last class. */
    private static int cls(String c) {
        return c.equals(" ") ? dictionary.size() + 1 : dictionary.indexOf(c) + 1;
    }

    /** One step per entry: the class gets probability p, the blank the rest. */
    private static float[] steps(Object... classAndProb) {
        int n = decoder.classCount();
        float[] probs = new float[classAndProb.length / 2 * n];
        for (int t = 0; t < classAndProb.length / 2; t++) {
            int c = (Integer) classAndProb[2 * t];
            float p = ((Number) classAndProb[2 * t + 1]).floatValue();
            probs[t * n + c] = p;
            if (c != 0) {
                probs[t * n] = 1 - p;
            }
        }
        return probs;
    }

    @Test
    void dictionaryMatchesTheRecognisersOutputWidth() {
        // ch_PP-OCRv4_rec_infer.onnx outputs 6625 classes: blank + 6623 entries + space
        assertThat(dictionary).hasSize(6623);
        assertThat(decoder.classCount()).isEqualTo(6625);
        assertThat(dictionary.get(0)).isEqualTo("'");
    }

    @Test
    void collapsesRepeatsAndDropsBlanks() {
        float[] p = steps(cls("c"), 0.9, cls("c"), 0.9, 0, 1.0, cls("a"), 0.8, 0, 1.0, cls("t"), 0.7, cls("t"), 0.7);

        CtcDecoder.Line line = decoder.decode(p, 0, 7);

        assertThat(line.text()).isEqualTo("cat");
        assertThat(line.steps()).containsExactly(0, 3, 5);
        assertThat(line.confidence()).isCloseTo((0.9 + 0.8 + 0.7) / 3, within(1e-6));
    }

    @Test
    void aBlankBetweenTwoEqualCharactersKeepsBoth() {
        float[] p = steps(cls("o"), 0.9, 0, 1.0, cls("o"), 0.9);

        assertThat(decoder.decode(p, 0, 3).text()).isEqualTo("oo");
    }

    @Test
    void lastClassIsASpaceAndChineseEntriesDecode() {
        float[] p = steps(cls("疗"), 0.9, cls(" "), 0.6, cls("A"), 0.9);

        assertThat(decoder.decode(p, 0, 3).text()).isEqualTo("疗 A");
        assertThat(cls("疗")).isEqualTo(2);
        assertThat(cls(" ")).isEqualTo(6624);
    }

    @Test
    void onlyBlanksGiveNoTextAndZeroConfidence() {
        CtcDecoder.Line line = decoder.decode(steps(0, 1.0, 0, 1.0), 0, 2);

        assertThat(line.text()).isEmpty();
        assertThat(line.confidence()).isZero();
    }

    @Test
    void decodesALineAtAnOffsetInTheBatch() {
        float[] first = steps(cls("x"), 0.9, 0, 1.0);
        float[] second = steps(cls("y"), 0.9, cls("z"), 0.9);
        float[] batch = new float[first.length + second.length];
        System.arraycopy(first, 0, batch, 0, first.length);
        System.arraycopy(second, 0, batch, first.length, second.length);

        assertThat(decoder.decode(batch, 2 * decoder.classCount(), 2).text()).isEqualTo("yz");
    }
}
