package io.omnistream.flink.quality.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.omnistream.flink.quality.RetrievalQualityFunction;
import io.omnistream.flink.quality.metrics.Judgments;
import io.omnistream.flink.quality.metrics.MetricName;
import io.omnistream.flink.quality.metrics.QueryMetrics;
import io.omnistream.flink.quality.metrics.RankedList;
import io.omnistream.flink.quality.metrics.ScoredCandidate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The top-k path against (a) today's full path ({@link RetrievalQualityFunction#rank(float[], Map)}: every candidate
 * scored and fully sorted, then {@link QueryMetrics#compute}) for exact equality, and (b) an independent
 * straightforward reference written here (double dot product, sort by score then id by code point, textbook metric
 * formulas). Pools are random, with exact ties, near ties that float screening cannot separate, relevant items far
 * outside the top k and ids whose code-point order differs from their UTF-16 order.
 */
class TopKRankerTest {

    private static final int K = RetrievalQualityFunction.RANKED_HEAD;

    /** One pool shape: candidate count, dimension and how vectors are drawn. */
    private record Shape(int candidates, int dim, Kind kind) {
    }

    private enum Kind {
        /** Gaussian unit vectors: ties only where a vector is duplicated. */
        GAUSSIAN,
        /** Components in {-1, 0, 1} / 4: many exact score ties between different vectors. */
        COARSE,
        /** Copies of a few base vectors with one component nudged by one ulp: near ties below float resolution. */
        NEAR_TIES,
        /**
         * A few base vectors, every component scaled by {@code 1 + 1e-6 g}: scores 1e-7..1e-6 apart, the size of the
         * float screening's rounding error, so float order and exact order disagree near the cut.
         */
        PERTURBED
    }

    @Test
    void topKAndMetricsEqualTheFullSortAndTheIndependentReference() {
        Random random = new Random(20261203);
        List<Shape> shapes = List.of(new Shape(1, 4, Kind.GAUSSIAN), new Shape(3, 8, Kind.COARSE),
                new Shape(9, 16, Kind.GAUSSIAN), new Shape(10, 8, Kind.COARSE), new Shape(11, 384, Kind.GAUSSIAN),
                new Shape(99, 32, Kind.NEAR_TIES), new Shape(100, 384, Kind.COARSE), new Shape(101, 64, Kind.GAUSSIAN),
                new Shape(257, 384, Kind.NEAR_TIES), new Shape(1000, 384, Kind.GAUSSIAN),
                new Shape(1000, 12, Kind.COARSE), new Shape(2003, 384, Kind.NEAR_TIES),
                new Shape(300, 384, Kind.PERTURBED), new Shape(1500, 384, Kind.PERTURBED),
                new Shape(301, 97, Kind.GAUSSIAN), new Shape(150, 7, Kind.COARSE), new Shape(203, 383, Kind.PERTURBED));
        int comparedQueries = 0;
        for (Shape shape : shapes) {
            Map<String, float[]> vectors = pool(random, shape);
            CandidatePool pool = CandidatePool.of(vectors);
            List<String> ids = new ArrayList<>(vectors.keySet());
            for (int q = 0; q < 6; q++) {
                float[] query = q % 3 == 2 ? vectors.get(ids.get(random.nextInt(ids.size())))
                        : vector(random, shape.dim(), shape.kind() == Kind.COARSE ? Kind.COARSE : Kind.GAUSSIAN);
                Map<String, Integer> grades = grades(random, ids, q);
                Judgments judgments = Judgments.of(grades);

                TopKRanking top = RetrievalQualityFunction.rank(query, pool);
                RankedList full = RetrievalQualityFunction.rank(query, vectors);
                List<Map.Entry<String, Double>> reference = referenceRanking(query, vectors);

                assertThat(top.candidateCount()).isEqualTo(shape.candidates());
                assertThat(top.top().size()).isEqualTo(Math.min(K, shape.candidates()));
                assertThat(top.top().candidates()).as("%s query %d", shape, q)
                        .isEqualTo(full.candidates().subList(0, top.top().size()));
                for (int r = 0; r < top.top().size(); r++) {
                    ScoredCandidate c = top.top().candidates().get(r);
                    assertThat(c.id()).as("%s query %d rank %d", shape, q, r + 1).isEqualTo(reference.get(r).getKey());
                    assertThat(c.score()).isEqualTo(reference.get(r).getValue());
                }
                QueryMetrics fromTop = QueryMetrics.compute(top.top(), judgments);
                assertThat(fromTop).as("%s query %d", shape, q).isEqualTo(QueryMetrics.compute(full, judgments));
                Map<MetricName, Double> expected = referenceMetrics(reference, grades);
                for (MetricName name : MetricName.values()) {
                    assertThat(fromTop.value(name)).as("%s query %d %s", shape, q, name)
                            .isCloseTo(expected.get(name), within(1e-12));
                }
                comparedQueries++;
            }
        }
        assertThat(comparedQueries).isEqualTo(shapes.size() * 6);
    }

    @Test
    void smallerCutoffsAreThePrefixOfTheFullRanking() {
        Random random = new Random(5);
        for (Shape shape : List.of(new Shape(500, 24, Kind.COARSE), new Shape(500, 384, Kind.PERTURBED))) {
            Map<String, float[]> vectors = pool(random, shape);
            CandidatePool pool = CandidatePool.of(vectors);
            for (int q = 0; q < 20; q++) {
                float[] query = vector(random, shape.dim(), shape.kind() == Kind.COARSE ? Kind.COARSE : Kind.GAUSSIAN);
                RankedList full = RetrievalQualityFunction.rank(query, vectors);
                for (int k : new int[] {1, 2, 3, 5, 10, 499, 500, 501}) {
                    assertThat(TopKRanker.rank(query, pool, k).top().candidates()).as("%s k %d", shape, k)
                            .isEqualTo(full.candidates().subList(0, Math.min(k, 500)));
                }
            }
        }
    }

    @Test
    void overflowingFloatScoresFallBackToTheExactPath() {
        // 3e20 * 3e20 = 9e40 overflows float (max 3.4e38) but not double: the screening bound is void here.
        Map<String, float[]> vectors = new LinkedHashMap<>();
        vectors.put("a", new float[] {3e20f, 0f});
        vectors.put("b", new float[] {1f, 1f});
        vectors.put("c", new float[] {2e20f, 1f});
        TopKRanking top = TopKRanker.rank(new float[] {3e20f, 1f}, CandidatePool.of(vectors), 2);
        assertThat(top.top().ids()).containsExactly("a", "c");
        assertThat(top.top().candidates().get(0).score()).isEqualTo((double) 3e20f * (double) 3e20f);
        assertThat(top.top().candidates()).isEqualTo(
                RetrievalQualityFunction.rank(new float[] {3e20f, 1f}, vectors).candidates().subList(0, 2));
    }

    @Test
    void aNanScoreIsRejectedAsByTheFullRanking() {
        Map<String, float[]> vectors = Map.of("a", new float[] {Float.NaN, 0f}, "b", new float[] {1f, 0f});
        assertThatThrownBy(() -> TopKRanker.rank(new float[] {1f, 0f}, CandidatePool.of(vectors), 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> RetrievalQualityFunction.rank(new float[] {1f, 0f}, vectors))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }

    @Test
    void negativeZeroTiesWithZeroAndIdsBreakTheTie() {
        Map<String, float[]> vectors = new LinkedHashMap<>();
        vectors.put("a", new float[] {0f, 1f}); // score +0.0
        vectors.put("b", new float[] {-0f, 0f}); // score -0.0 + 0.0... = +0.0 or -0.0; a tie either way
        vectors.put("c", new float[] {1f, 0f}); // score 1
        TopKRanking top = TopKRanker.rank(new float[] {1f, 0f}, CandidatePool.of(vectors), 3);
        assertThat(top.top().ids()).containsExactly("c", "b", "a");
    }

    @Test
    void rejectsBadArguments() {
        CandidatePool pool = CandidatePool.of(Map.of("a", new float[] {1f, 0f}));
        assertThatThrownBy(() -> TopKRanker.rank(new float[] {1f}, pool, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension mismatch: 1 vs 2");
        assertThatThrownBy(() -> TopKRanker.rank(new float[] {1f, 0f}, pool, 0))
                .isInstanceOf(IllegalArgumentException.class);
        TopKRanking none = TopKRanker.rank(new float[] {1f}, CandidatePool.empty(), 10);
        assertThat(none.top().size()).isZero();
        assertThat(none.candidateCount()).isZero();
    }

    @Test
    void kthLargestMatchesASort() {
        Random random = new Random(11);
        for (int n : new int[] {1, 2, 7, 100, 1001}) {
            float[] values = new float[n];
            for (int i = 0; i < n; i++) {
                values[i] = random.nextInt(20) / 4f; // duplicates on purpose
            }
            float[] sorted = values.clone();
            Arrays.sort(sorted);
            for (int k : new int[] {1, Math.max(1, n / 2), n}) {
                assertThat(TopKRanker.kthLargest(values, k)).as("n %d k %d", n, k).isEqualTo(sorted[n - k]);
            }
        }
    }

    @Test
    void screeningScoresAreWithinTheStatedBoundOfTheDoubleScores() {
        Random random = new Random(3);
        for (int dim : new int[] {384, 383, 1}) { // even, odd (a last unpaired dimension) and a single one
            Map<String, float[]> vectors = pool(random, new Shape(37, dim, Kind.GAUSSIAN)); // 9 blocks of 4 + 1 row
            CandidatePool pool = CandidatePool.of(vectors);
            float[] query = vector(random, dim, Kind.GAUSSIAN);
            float[] scores = new float[pool.size()];
            TopKRanker.screen(query, pool, scores);
            double gamma = dim * 0x1p-24 / (1 - dim * 0x1p-24);
            for (int c = 0; c < pool.size(); c++) {
                double exact = referenceDot(query, vectors.get(pool.id(c)));
                assertThat((double) scores[c]).as("dim %d row %d", dim, c).isCloseTo(exact, within(gamma * 1.0001));
            }
        }
    }

    @Test
    void blockedExactScoresAreBitForBitTheSequentialDoubleDot() {
        Random random = new Random(9);
        Map<String, float[]> vectors = pool(random, new Shape(23, 384, Kind.PERTURBED));
        CandidatePool pool = CandidatePool.of(vectors);
        float[] query = vector(random, 384, Kind.GAUSSIAN);
        int[] rows = {22, 0, 5, 7, 3, 19, 11, 2, 8, 1, 16, 4, 6, 9, 10, 12, 13, 14, 15}; // 2 blocks of 8 + 3, any order
        double[] exact = new double[rows.length];
        TopKRanker.exactScores(query, pool, rows, rows.length, exact);
        for (int i = 0; i < rows.length; i++) {
            assertThat(exact[i]).isEqualTo(referenceDot(query, vectors.get(pool.id(rows[i]))));
        }
    }

    // ---- independent reference -------------------------------------------------------------------------------

    private static double referenceDot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * (double) b[i];
        }
        return s;
    }

    /** All candidates, score descending (-0.0 equal to 0.0), ties by id descending in Unicode code points. */
    private static List<Map.Entry<String, Double>> referenceRanking(float[] query, Map<String, float[]> vectors) {
        List<Map.Entry<String, Double>> all = new ArrayList<>();
        vectors.forEach((id, v) -> all.add(Map.entry(id, referenceDot(query, v) + 0.0)));
        all.sort((x, y) -> {
            if (!x.getValue().equals(y.getValue())) {
                return x.getValue() > y.getValue() ? -1 : 1;
            }
            return Arrays.compare(y.getKey().codePoints().toArray(), x.getKey().codePoints().toArray());
        });
        return all;
    }

    /** Textbook formulas over the full ranking (see the metrics package documentation for the conventions). */
    private static Map<MetricName, Double> referenceMetrics(List<Map.Entry<String, Double>> ranking,
            Map<String, Integer> grades) {
        List<Integer> ideal = grades.values().stream().filter(g -> g > 0).sorted((a, b) -> b - a).toList();
        Map<MetricName, Double> out = new HashMap<>();
        for (MetricName name : MetricName.values()) {
            int k = name.k();
            int firstRelevant = 0;
            int found = 0;
            double dcg = 0;
            double idealDcg = 0;
            for (int r = 1; r <= Math.min(k, ranking.size()); r++) {
                int grade = grades.getOrDefault(ranking.get(r - 1).getKey(), 0);
                if (grade > 0) {
                    firstRelevant = firstRelevant == 0 ? r : firstRelevant;
                    found++;
                    dcg += gain(name, grade) / (Math.log(r + 1) / Math.log(2));
                }
            }
            for (int r = 1; r <= Math.min(k, ideal.size()); r++) {
                idealDcg += gain(name, ideal.get(r - 1)) / (Math.log(r + 1) / Math.log(2));
            }
            double value = switch (name.family()) {
                case HIT -> firstRelevant > 0 ? 1 : 0;
                case MRR -> firstRelevant > 0 ? 1.0 / firstRelevant : 0;
                case RECALL -> ideal.isEmpty() ? 1.0 : (double) found / ideal.size();
                case NDCG, NDCG_EXP -> idealDcg == 0 ? 0 : dcg / idealDcg;
            };
            out.put(name, value);
        }
        return out;
    }

    private static double gain(MetricName name, int grade) {
        return name.family() == MetricName.Family.NDCG_EXP ? Math.pow(2, grade) - 1 : grade;
    }

    // ---- random pools ----------------------------------------------------------------------------------------

    private static Map<String, float[]> pool(Random random, Shape shape) {
        Map<String, float[]> vectors = new LinkedHashMap<>();
        List<float[]> bases = new ArrayList<>();
        for (int b = 0; b < 5; b++) {
            bases.add(vector(random, shape.dim(), Kind.GAUSSIAN));
        }
        for (int c = 0; c < shape.candidates(); c++) {
            float[] v;
            if (shape.kind() == Kind.PERTURBED) {
                v = bases.get(random.nextInt(bases.size())).clone();
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (v[i] * (1 + 1e-6 * random.nextGaussian()));
                }
            } else if (shape.kind() == Kind.NEAR_TIES) {
                v = bases.get(random.nextInt(bases.size())).clone();
                int i = random.nextInt(shape.dim());
                int nudge = random.nextInt(3) - 1; // -1, 0 (an exact duplicate) or +1 ulp
                v[i] = Float.intBitsToFloat(Float.floatToIntBits(v[i]) + nudge);
            } else if (c > 0 && random.nextInt(10) == 0) {
                v = new ArrayList<>(vectors.values()).get(random.nextInt(vectors.size())).clone(); // duplicate vector
            } else {
                v = vector(random, shape.dim(), shape.kind());
            }
            vectors.put(id(random, c), v);
        }
        return vectors;
    }

    /** Ids with BMP and supplementary characters: their code-point order differs from String.compareTo's. */
    private static String id(Random random, int c) {
        return switch (random.nextInt(3)) {
            case 0 -> "c" + c;
            case 1 -> "\uFFFD" + c; // U+FFFD sorts below U+1F600 by code point, above it in UTF-16 units
            default -> "\uD83D\uDE00" + c;
        };
    }

    private static float[] vector(Random random, int dim, Kind kind) {
        float[] v = new float[dim];
        if (kind == Kind.COARSE) {
            for (int i = 0; i < dim; i++) {
                v[i] = (random.nextInt(3) - 1) / 4f;
            }
            return v;
        }
        double norm = 0;
        double[] g = new double[dim];
        for (int i = 0; i < dim; i++) {
            g[i] = random.nextGaussian();
            norm += g[i] * g[i];
        }
        for (int i = 0; i < dim; i++) {
            v[i] = (float) (g[i] / Math.sqrt(norm));
        }
        return v;
    }

    /** Mostly 1-3 relevant items anywhere in the pool (mostly outside the top k), graded 0..3; some judged ids absent. */
    private static Map<String, Integer> grades(Random random, List<String> ids, int q) {
        Map<String, Integer> grades = new HashMap<>();
        if (q % 6 == 5) {
            grades.put(ids.get(random.nextInt(ids.size())), 0); // nothing relevant: recall 1.0, the rest 0
            return grades;
        }
        int judged = 1 + random.nextInt(4);
        for (int j = 0; j < judged; j++) {
            grades.put(ids.get(random.nextInt(ids.size())), random.nextInt(4));
        }
        grades.put("absent-" + q, 1 + random.nextInt(2));
        grades.merge(ids.get(random.nextInt(ids.size())), 1, Math::max);
        return grades;
    }
}
