package io.omnistream.flink.bias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModalityCentroidsTest {

    /*
     * TEXT:  (1, 0, 0), (0, 1, 0)        -> S = (1, 1, 0), centroid (0.5, 0.5, 0); the two are orthogonal:
     *        within = (|S|^2 - 2) / (2 * 1) = (2 - 2) / 2 = 0
     * IMAGE: (0, 0, 1), (0.6, 0, 0.8)    -> S = (0.6, 0, 1.8), centroid (0.3, 0, 0.9); their cosine is 0.8:
     *        within = (0.36 + 3.24 - 2) / 2 = 0.8
     * L2 distance of centroids: |(0.2, 0.5, -0.9)| = sqrt(0.04 + 0.25 + 0.81) = sqrt(1.1) = 1.0488088481701516
     * cos of centroids: 0.15 / (sqrt(0.5) * sqrt(0.9)) = 0.15 / sqrt(0.45) = 0.22360679774997896 -> 1 - cos =
     *        0.776393202250021
     * cross: pairwise dots 0, 0.6, 0, 0 -> mean 0.15 (= S_T . S_I / 4 = 0.6 / 4)
     * 0.6f and 0.8f are not exact, hence the 1e-6 tolerance.
     */
    private static ModalityCentroids handCase() {
        ModalityCentroids c = new ModalityCentroids();
        c.add("TEXT", new float[] {1f, 0f, 0f});
        c.add("IMAGE", new float[] {0f, 0f, 1f});
        c.add("TEXT", new float[] {0f, 1f, 0f});
        c.add("IMAGE", new float[] {0.6f, 0f, 0.8f});
        return c;
    }

    @Test
    void handWorkedCentroidsDistancesAndPairwiseMeans() {
        ModalityCentroids c = handCase();
        assertThat(c.count("TEXT")).isEqualTo(2);
        assertThat(c.centroid("TEXT")).containsExactly(0.5, 0.5, 0.0);
        assertThat(c.centroid("IMAGE")).containsExactly(new double[] {0.3, 0.0, 0.9}, within(1e-7));
        assertThat(c.centroid("VIDEO")).isNull();

        assertThat(c.centroidDistance("TEXT", "IMAGE")).isCloseTo(1.0488088481701516, within(1e-6));
        assertThat(c.centroidCosineDistance("TEXT", "IMAGE")).isCloseTo(0.776393202250021, within(1e-6));
        assertThat(c.withinCosine("TEXT")).isCloseTo(0.0, within(1e-12));
        assertThat(c.withinCosine("IMAGE")).isCloseTo(0.8, within(1e-6));
        assertThat(c.crossCosine("TEXT", "IMAGE")).isCloseTo(0.15, within(1e-6));
        assertThat(c.crossCosine("TEXT", "VIDEO")).isNaN();
        assertThat(c.centroidDistance("TEXT", "VIDEO")).isNaN();
    }

    @Test
    void rowsNameAndCountEachValue() {
        List<BiasMetricRow> rows = handCase().results();
        assertThat(rows).extracting(BiasMetricRow::metric).containsExactly(
                "modality_gap_centroid_distance", "modality_gap_centroid_cosine_distance",
                "within_modality_cosine", "within_modality_cosine", "cross_modality_cosine");
        assertThat(rows.get(0).queryModality()).isEqualTo("TEXT");
        assertThat(rows.get(0).resultModality()).isEqualTo("IMAGE");
        assertThat(rows.get(0).value()).isCloseTo(1.0488088481701516, within(1e-6));
        assertThat(rows.get(0).count()).isEqualTo(4);                  // vectors of both modalities
        assertThat(rows.get(2).queryModality()).isEqualTo("TEXT");    // within rows: (A, A), modality order
        assertThat(rows.get(2).resultModality()).isEqualTo("TEXT");
        assertThat(rows.get(2).count()).isEqualTo(2);
        assertThat(rows.get(3).value()).isCloseTo(0.8, within(1e-6));
        assertThat(rows.get(4).value()).isCloseTo(0.15, within(1e-6));
    }

    @Test
    void sumFormulasEqualBruteForcePairwiseMeansOnRandomUnitVectors() {
        Random random = new Random(42);
        int dimension = 8;
        List<float[]> text = new ArrayList<>();
        List<float[]> image = new ArrayList<>();
        ModalityCentroids c = new ModalityCentroids();
        for (int i = 0; i < 30; i++) {
            // a shared offset makes the within/cross means clearly non-zero
            float[] v = randomUnit(random, dimension, 0.7);
            text.add(v);
            c.add("TEXT", v);
        }
        for (int i = 0; i < 20; i++) {
            float[] v = randomUnit(random, dimension, -0.3);
            image.add(v);
            c.add("IMAGE", v);
        }

        // True cosines (divided by the norms): the float vectors are unit only to ~1e-7.
        double withinText = bruteWithin(text, true);
        double withinImage = bruteWithin(image, true);
        double cross = bruteCross(text, image, true);
        assertThat(withinText).isGreaterThan(0.1);   // the vectors are not orthogonal: a meaningful check
        assertThat(cross).isLessThan(-0.05);
        assertThat(c.withinCosine("TEXT")).isCloseTo(withinText, within(1e-6));
        assertThat(c.withinCosine("IMAGE")).isCloseTo(withinImage, within(1e-6));
        assertThat(c.crossCosine("TEXT", "IMAGE")).isCloseTo(cross, within(1e-6));
        assertThat(c.crossCosine("IMAGE", "TEXT")).isCloseTo(cross, within(1e-6));
        // Plain dot products: the sum identities are exact for any vectors, so only summation order differs.
        assertThat(c.withinCosine("TEXT")).isCloseTo(bruteWithin(text, false), within(1e-12));
        assertThat(c.withinCosine("IMAGE")).isCloseTo(bruteWithin(image, false), within(1e-12));
        assertThat(c.crossCosine("TEXT", "IMAGE")).isCloseTo(bruteCross(text, image, false), within(1e-12));

        double[] mean = new double[dimension];
        for (float[] v : text) {
            for (int i = 0; i < dimension; i++) {
                mean[i] += v[i] / 30.0;
            }
        }
        assertThat(c.centroid("TEXT")).containsExactly(mean, within(1e-12));
    }

    @Test
    void mergeEqualsAddingEverythingToOne() {
        Random random = new Random(7);
        ModalityCentroids all = new ModalityCentroids();
        ModalityCentroids a = new ModalityCentroids();
        ModalityCentroids b = new ModalityCentroids();
        for (int i = 0; i < 40; i++) {
            float[] v = randomUnit(random, 5, 0.2);
            String modality = Modalities.at(i % 3);
            all.add(modality, v);
            (i < 25 ? a : b).add(modality, v);
        }
        ModalityCentroids merged = new ModalityCentroids().merge(b).merge(a);
        for (String m : List.of("TEXT", "IMAGE", "VIDEO")) {
            assertThat(merged.count(m)).isEqualTo(all.count(m));
            assertThat(merged.centroid(m)).containsExactly(all.centroid(m), within(1e-14));
            assertThat(merged.withinCosine(m)).isCloseTo(all.withinCosine(m), within(1e-14));
        }
        assertThat(a.count("TEXT") + b.count("TEXT")).isEqualTo(all.count("TEXT"));   // operands unchanged
    }

    @Test
    void rejectsVectorsThatBreakThePrecondition() {
        ModalityCentroids c = new ModalityCentroids();
        assertThatThrownBy(() -> c.add("TEXT", new float[] {2f, 0f})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unit");
        assertThatThrownBy(() -> c.add("TEXT", new float[] {Float.NaN, 0f}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.add("SMELL", new float[] {1f, 0f})).isInstanceOf(IllegalArgumentException.class);
        c.add("TEXT", new float[] {1f, 0f});
        assertThatThrownBy(() -> c.add("TEXT", new float[] {1f, 0f, 0f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension");
        assertThat(c.count("TEXT")).isEqualTo(1);
        assertThat(c.withinCosine("TEXT")).isNaN();   // needs two vectors
        ModalityCentroids other = new ModalityCentroids();
        other.add("TEXT", new float[] {1f, 0f, 0f});
        assertThatThrownBy(() -> c.merge(other)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A unit float vector: Gaussian components plus {@code offset} on every component, normalised. */
    static float[] randomUnit(Random random, int dimension, double offset) {
        double[] v = new double[dimension];
        double norm = 0.0;
        for (int i = 0; i < dimension; i++) {
            v[i] = random.nextGaussian() * 0.5 + offset;
            norm += v[i] * v[i];
        }
        norm = Math.sqrt(norm);
        float[] out = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    /** Mean over ordered pairs of distinct vectors of the cosine (or dot product), computed pair by pair. */
    private static double bruteWithin(List<float[]> vectors, boolean cosine) {
        double sum = 0.0;
        long pairs = 0;
        for (int i = 0; i < vectors.size(); i++) {
            for (int j = 0; j < vectors.size(); j++) {
                if (i != j) {
                    sum += similarity(vectors.get(i), vectors.get(j), cosine);
                    pairs++;
                }
            }
        }
        return sum / pairs;
    }

    private static double bruteCross(List<float[]> a, List<float[]> b, boolean cosine) {
        double sum = 0.0;
        for (float[] x : a) {
            for (float[] y : b) {
                sum += similarity(x, y, cosine);
            }
        }
        return sum / (a.size() * b.size());
    }

    private static double similarity(float[] x, float[] y, boolean cosine) {
        double dot = 0.0;
        double xx = 0.0;
        double yy = 0.0;
        for (int i = 0; i < x.length; i++) {
            dot += (double) x[i] * y[i];
            xx += (double) x[i] * x[i];
            yy += (double) y[i] * y[i];
        }
        return cosine ? dot / Math.sqrt(xx * yy) : dot;
    }
}
