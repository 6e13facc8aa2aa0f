package io.omnistream.flink.bias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModalityCenteringTest {

    private static final float[] TEXT_CENTROID = {0.5f, 0.25f, -0.125f};
    private static final float[] IMAGE_CENTROID = {0.1f, 0.2f, 0.3f};

    private static ModalityCentering textAndImage() {
        return ModalityCentering.of(Map.of("TEXT", TEXT_CENTROID, "IMAGE", IMAGE_CENTROID));
    }

    @Test
    void subtractsTheModalityCentroidAndRenormalises() {
        ModalityCentering centering = textAndImage();
        // (0.5, 1.25, -0.125) - (0.5, 0.25, -0.125) = (0, 1, 0), already unit
        assertThat(centering.apply("TEXT", new float[] {0.5f, 1.25f, -0.125f})).containsExactly(0f, 1f, 0f);
        // (3.5, 4.25, -0.125) - centroid = (3, 4, 0), norm 5 -> (0.6, 0.8, 0)
        assertThat(centering.apply("TEXT", new float[] {3.5f, 4.25f, -0.125f})).containsExactly(0.6f, 0.8f, 0f);
        // (1.5, 0.25, 0.875) - centroid = (1, 0, 1) -> (1/sqrt 2, 0, 1/sqrt 2); (float) 0.7071067811865475
        float r = (float) (1.0 / Math.sqrt(2.0));
        assertThat(centering.apply("TEXT", new float[] {1.5f, 0.25f, 0.875f})).containsExactly(r, 0f, r);
    }

    @Test
    void isDeterministicAndLeavesTheInputAlone() {
        ModalityCentering centering = textAndImage();
        float[] v = {0.3f, -0.4f, 0.8660254f};
        float[] first = centering.apply("IMAGE", v);
        float[] second = textAndImage().apply("IMAGE", v.clone());
        assertThat(second).containsExactly(first);
        assertThat(v).containsExactly(0.3f, -0.4f, 0.8660254f);
    }

    /**
     * Expected versions computed independently with Python's hashlib over the documented byte layout:
     * <pre>
     * h = hashlib.sha256()
     * for name in sorted(cents):
     *     h.update(name.encode('utf-8')); h.update(b'\x00'); h.update(struct.pack('>i', len(v)))
     *     for x in v: h.update(struct.pack('>f', x))
     * </pre>
     * {IMAGE: [0.1, 0.2, 0.3], TEXT: [0.5, 0.25, -0.125]} -> c34ac4bbb7217e52..., {TEXT: [...]} -> 7dabab4a54fc7a7b...
     */
    @Test
    void versionIsTheDocumentedFingerprintOfTheCentroids() {
        assertThat(textAndImage().version()).isEqualTo("center@c34ac4bb");
        assertThat(ModalityCentering.of(Map.of("TEXT", TEXT_CENTROID)).version()).isEqualTo("center@7dabab4a");

        Map<String, float[]> reversed = new LinkedHashMap<>();
        reversed.put("TEXT", TEXT_CENTROID);
        reversed.put("IMAGE", IMAGE_CENTROID);
        Map<String, float[]> forward = new LinkedHashMap<>();
        forward.put("IMAGE", IMAGE_CENTROID);
        forward.put("TEXT", TEXT_CENTROID);
        assertThat(ModalityCentering.of(reversed).version()).isEqualTo(ModalityCentering.of(forward).version());

        float[] nudged = IMAGE_CENTROID.clone();
        nudged[2] = Math.nextUp(nudged[2]);
        assertThat(ModalityCentering.of(Map.of("TEXT", TEXT_CENTROID, "IMAGE", nudged)).version())
                .isNotEqualTo("center@c34ac4bb");
    }

    @Test
    void centroidsAreCopiedIn() {
        float[] c = TEXT_CENTROID.clone();
        ModalityCentering centering = ModalityCentering.of(Map.of("TEXT", c));
        c[0] = 42f;
        assertThat(centering.centroid("TEXT")).containsExactly(TEXT_CENTROID);
        assertThat(centering.version()).isEqualTo("center@7dabab4a");
    }

    @Test
    void rejectsWhatItCannotTransform() {
        ModalityCentering centering = textAndImage();
        assertThatThrownBy(() -> centering.apply("VIDEO", new float[] {1f, 0f, 0f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VIDEO");
        assertThatThrownBy(() -> centering.apply("TEXT", new float[] {1f, 0f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension");
        assertThatThrownBy(() -> centering.apply("TEXT", TEXT_CENTROID.clone()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("equals");
        assertThatThrownBy(() -> ModalityCentering.of(Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModalityCentering.of(Map.of("TEXT", new float[] {1f}, "IMAGE", new float[2])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModalityCentering.of(Map.of("TEXT", new float[] {Float.NaN})))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        ModalityCentering centering = textAndImage();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(centering);
        }
        ModalityCentering back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (ModalityCentering) in.readObject();
        }
        assertThat(back).isEqualTo(centering);
        assertThat(back.version()).isEqualTo(centering.version());
        assertThat(back.apply("TEXT", new float[] {3.5f, 4.25f, -0.125f})).containsExactly(0.6f, 0.8f, 0f);
    }

    @Test
    void centringWithTheModalityCentroidsShrinksTheGap() {
        // Two modalities in their own cones (offsets on different axes), as the modality gap literature describes.
        Random random = new Random(3);
        ModalityCentroids before = new ModalityCentroids();
        float[][] text = new float[200][];
        float[][] image = new float[200][];
        for (int i = 0; i < 200; i++) {
            text[i] = cone(random, 0);
            image[i] = cone(random, 1);
            before.add("TEXT", text[i]);
            before.add("IMAGE", image[i]);
        }
        ModalityCentering centering = ModalityCentering.of(Map.of("TEXT", before.centroidAsFloats("TEXT"),
                "IMAGE", before.centroidAsFloats("IMAGE")));
        ModalityCentroids after = new ModalityCentroids();
        for (int i = 0; i < 200; i++) {
            after.add("TEXT", centering.apply("TEXT", text[i]));
            after.add("IMAGE", centering.apply("IMAGE", image[i]));
        }
        double gapBefore = before.centroidDistance("TEXT", "IMAGE");
        double gapAfter = after.centroidDistance("TEXT", "IMAGE");
        assertThat(gapBefore).isGreaterThan(0.8);
        // Centred vectors have a mean of exactly 0 before renormalisation; renormalising leaves a small residue.
        assertThat(gapAfter).isLessThan(0.25 * gapBefore);
    }

    /** A unit vector near axis {@code axis} of 6-d space. */
    private static float[] cone(Random random, int axis) {
        double[] v = new double[6];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.3 * random.nextGaussian();
        }
        v[axis] += 1.0;
        double norm = 0.0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }
}
