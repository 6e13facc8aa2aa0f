package io.omnistream.flink.bias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Hand-worked cases; every expected number is derived in the comments.
 */
class ModalityBiasAccumulatorTest {

    private static final Offset<Double> EPS = within(1e-12);

    /*
     * The six served queries of the main case (all with instruction, the default served condition):
     *
     * q1 TEXT->IMAGE, gold {i1: IMAGE}; ranked t1 T, i1 I, v1 V, t2 T, i2 I, t3 T (6 results)
     *    top1 t1 (TEXT): target 0, hit 0
     *    shares k1: T 1 | k5 (5 results): T 2/5, I 2/5, V 1/5 | k10 (6): T 3/6, I 2/6, V 1/6
     *    own (TEXT) k1 1, k5 2/5, k10 1/2; gold share 0/1 = 0 -> bias 1, 0.4, 0.5
     * q2 TEXT->IMAGE, gold {i3: IMAGE}; ranked i3 I, t4 T
     *    top1 i3: target 1, hit 1
     *    shares k1: I 1 | k5, k10 (2): I 1/2, T 1/2
     *    own k1 0, k5 1/2, k10 1/2; gold 0 -> bias 0, 0.5, 0.5
     * q3 IMAGE->TEXT, gold {t5: TEXT}; i4 and t5 both score 0.9: tie, id descending, "t5" > "i4" -> t5, i4, i5
     *    top1 t5 (TEXT, gold): target 1, hit 1
     *    shares k1: T 1 | k5, k10 (3): T 1/3, I 2/3
     *    own (IMAGE) k1 0, k5 2/3, k10 2/3; gold 0 -> bias 0, 2/3, 2/3
     * q4 IMAGE->TEXT, gold {t6: TEXT, i6: IMAGE}; ranked i6 I, i7 I, t6 T, a1 A
     *    top1 i6 (IMAGE, gold): target 0, hit 1
     *    shares k1: I 1 | k5, k10 (4): I 2/4, T 1/4, A 1/4
     *    own k1 1, k5 1/2, k10 1/2; gold share 1/2 -> bias 0.5, 0, 0
     * q5 AUDIO->TEXT, gold {t7: TEXT}; no results: target 0, hit 0; no shares, no bias
     * q6 VIDEO, no target, no gold; ranked v2 V: shares VIDEO 1 at every k; no bias (no gold), no target metrics
     */
    private static List<BiasQuery> mainCase() {
        return List.of(
                BiasQuery.builder("q1", "TEXT").targetModality("IMAGE").gold("i1", "IMAGE")
                        .result("t1", "TEXT", 0.9).result("i1", "IMAGE", 0.8).result("v1", "VIDEO", 0.7)
                        .result("t2", "TEXT", 0.6).result("i2", "IMAGE", 0.5).result("t3", "TEXT", 0.4).build(),
                BiasQuery.builder("q2", "TEXT").targetModality("IMAGE").gold("i3", "IMAGE")
                        .result("t4", "TEXT", 0.5).result("i3", "IMAGE", 0.95).build(),
                BiasQuery.builder("q3", "IMAGE").targetModality("TEXT").gold("t5", "TEXT")
                        .result("i4", "IMAGE", 0.9).result("t5", "TEXT", 0.9).result("i5", "IMAGE", 0.3).build(),
                BiasQuery.builder("q4", "IMAGE").targetModality("TEXT").gold("t6", "TEXT").gold("i6", "IMAGE")
                        .result("i6", "IMAGE", 0.8).result("i7", "IMAGE", 0.7).result("t6", "TEXT", 0.6)
                        .result("a1", "AUDIO", 0.5).build(),
                BiasQuery.builder("q5", "AUDIO").targetModality("TEXT").gold("t7", "TEXT").build(),
                BiasQuery.builder("q6", "VIDEO").result("v2", "VIDEO", 0.5).build());
    }

    private static ModalityBiasAccumulator accumulate(List<BiasQuery> queries) {
        ModalityBiasAccumulator acc = new ModalityBiasAccumulator();
        queries.forEach(acc::add);
        return acc;
    }

    private static Optional<BiasMetricRow> find(List<BiasMetricRow> rows, String metric, String q, String r) {
        return rows.stream().filter(row -> row.metric().equals(metric)
                && java.util.Objects.equals(row.queryModality(), q)
                && java.util.Objects.equals(row.resultModality(), r)).findFirst();
    }

    private static void assertRow(List<BiasMetricRow> rows, String metric, String q, String r, double value,
            long count) {
        BiasMetricRow row = find(rows, metric, q, r)
                .orElseThrow(() -> new AssertionError("no row " + metric + " " + q + " " + r + " in " + rows));
        assertThat(row.value()).as(metric + " " + q + " " + r).isCloseTo(value, EPS);
        assertThat(row.count()).as(metric + " " + q + " " + r + " count").isEqualTo(count);
    }

    @Test
    void targetModalityAccuracyAndHitAt1PerPair() {
        List<BiasMetricRow> rows = accumulate(mainCase()).results(null);

        // overall: q1 0, q2 1, q3 1, q4 0, q5 0 (no results = miss) -> 2/5
        assertRow(rows, "target_modality_accuracy", null, null, 0.4, 5);
        assertRow(rows, "target_modality_accuracy", "TEXT", "IMAGE", 0.5, 2);   // q1 0, q2 1
        assertRow(rows, "target_modality_accuracy", "IMAGE", "TEXT", 0.5, 2);   // q3 1, q4 0
        assertRow(rows, "target_modality_accuracy", "AUDIO", "TEXT", 0.0, 1);   // q5
        assertThat(rows.stream().filter(r -> r.metric().equals("target_modality_accuracy"))).hasSize(4);

        assertRow(rows, "hit@1", "TEXT", "IMAGE", 0.5, 2);   // q1 0, q2 1
        assertRow(rows, "hit@1", "IMAGE", "TEXT", 1.0, 2);   // q3 1 (won the tie), q4 1 (i6 is gold)
        assertRow(rows, "hit@1", "AUDIO", "TEXT", 0.0, 1);

        // asymmetry: TEXT before IMAGE in Modalities.ALL: hit(T->I) - hit(I->T) = 0.5 - 1 = -0.5 over 2 + 2
        // queries; AUDIO->TEXT has no TEXT->AUDIO counterpart, so no row.
        assertRow(rows, "asymmetry_hit@1", "TEXT", "IMAGE", -0.5, 4);
        assertThat(rows.stream().filter(r -> r.metric().equals("asymmetry_hit@1"))).hasSize(1);
    }

    @Test
    void topkShareMatrix() {
        List<BiasMetricRow> rows = accumulate(mainCase()).results(null);

        // Result modalities seen in any top 10: TEXT, IMAGE, VIDEO, AUDIO (no DOCUMENT) -> 4 rows per query
        // modality with results (TEXT, IMAGE, VIDEO; AUDIO's only query has no results), 3 cutoffs: 36 rows.
        assertThat(rows.stream().filter(r -> r.metric().startsWith("topk_share@"))).hasSize(36);
        assertThat(find(rows, "topk_share@10", "TEXT", "DOCUMENT")).isEmpty();
        assertThat(find(rows, "topk_share@1", "AUDIO", "TEXT")).isEmpty();

        // Q = TEXT: q1, q2
        assertRow(rows, "topk_share@1", "TEXT", "TEXT", 0.5, 2);             // (1 + 0) / 2
        assertRow(rows, "topk_share@1", "TEXT", "IMAGE", 0.5, 2);            // (0 + 1) / 2
        assertRow(rows, "topk_share@1", "TEXT", "VIDEO", 0.0, 2);
        assertRow(rows, "topk_share@5", "TEXT", "TEXT", 0.45, 2);            // (2/5 + 1/2) / 2
        assertRow(rows, "topk_share@5", "TEXT", "IMAGE", 0.45, 2);           // (2/5 + 1/2) / 2
        assertRow(rows, "topk_share@5", "TEXT", "VIDEO", 0.1, 2);            // (1/5 + 0) / 2
        assertRow(rows, "topk_share@5", "TEXT", "AUDIO", 0.0, 2);
        assertRow(rows, "topk_share@10", "TEXT", "TEXT", 0.5, 2);            // (3/6 + 1/2) / 2
        assertRow(rows, "topk_share@10", "TEXT", "IMAGE", 5.0 / 12.0, 2);    // (2/6 + 1/2) / 2
        assertRow(rows, "topk_share@10", "TEXT", "VIDEO", 1.0 / 12.0, 2);    // (1/6 + 0) / 2

        // Q = IMAGE: q3, q4
        assertRow(rows, "topk_share@1", "IMAGE", "TEXT", 0.5, 2);            // (1 + 0) / 2
        assertRow(rows, "topk_share@1", "IMAGE", "IMAGE", 0.5, 2);           // (0 + 1) / 2
        assertRow(rows, "topk_share@5", "IMAGE", "TEXT", 7.0 / 24.0, 2);     // (1/3 + 1/4) / 2
        assertRow(rows, "topk_share@5", "IMAGE", "IMAGE", 7.0 / 12.0, 2);    // (2/3 + 1/2) / 2
        assertRow(rows, "topk_share@5", "IMAGE", "AUDIO", 1.0 / 8.0, 2);     // (0 + 1/4) / 2
        assertRow(rows, "topk_share@10", "IMAGE", "AUDIO", 1.0 / 8.0, 2);    // fewer than 10 results: as k5

        // Q = VIDEO: q6
        assertRow(rows, "topk_share@1", "VIDEO", "VIDEO", 1.0, 1);
        assertRow(rows, "topk_share@10", "VIDEO", "TEXT", 0.0, 1);
    }

    @Test
    void eachQueryModalityRowOfTheShareMatrixSumsToOne() {
        List<BiasMetricRow> rows = accumulate(mainCase()).results(null);
        for (String metric : List.of("topk_share@1", "topk_share@5", "topk_share@10")) {
            for (String q : List.of("TEXT", "IMAGE", "VIDEO")) {
                double sum = rows.stream().filter(r -> r.metric().equals(metric) && q.equals(r.queryModality()))
                        .mapToDouble(BiasMetricRow::value).sum();
                assertThat(sum).as(metric + " " + q).isCloseTo(1.0, EPS);
            }
        }
    }

    @Test
    void queryModalityBias() {
        List<BiasMetricRow> rows = accumulate(mainCase()).results(null);

        // Only q1..q4 have results and gold. Per-query biases (own - gold) from the table above:
        //   q1 (1, 0.4, 0.5)   q2 (0, 0.5, 0.5)   q3 (0, 2/3, 2/3)   q4 (1 - 1/2, 1/2 - 1/2, 1/2 - 1/2) = (0.5, 0, 0)
        assertRow(rows, "query_modality_bias@1", "TEXT", null, 0.5, 2);            // (1 + 0) / 2
        assertRow(rows, "query_modality_bias@5", "TEXT", null, 0.45, 2);           // (0.4 + 0.5) / 2
        assertRow(rows, "query_modality_bias@10", "TEXT", null, 0.5, 2);           // (0.5 + 0.5) / 2
        assertRow(rows, "query_modality_bias@1", "IMAGE", null, 0.25, 2);          // (0 + 0.5) / 2
        assertRow(rows, "query_modality_bias@5", "IMAGE", null, 1.0 / 3.0, 2);     // (2/3 + 0) / 2
        assertRow(rows, "query_modality_bias@10", "IMAGE", null, 1.0 / 3.0, 2);
        assertRow(rows, "query_modality_bias@1", null, null, 0.375, 4);            // (1 + 0 + 0 + 0.5) / 4
        assertRow(rows, "query_modality_bias@5", null, null, 47.0 / 120.0, 4);     // (2/5 + 1/2 + 2/3 + 0) / 4
        assertRow(rows, "query_modality_bias@10", null, null, 5.0 / 12.0, 4);      // (1/2 + 1/2 + 2/3 + 0) / 4
        assertThat(find(rows, "query_modality_bias@1", "VIDEO", null)).isEmpty();  // q6 has no gold
        assertThat(find(rows, "query_modality_bias@1", "AUDIO", null)).isEmpty();  // q5 has no results
    }

    @Test
    void rowsComeInNameOrderWithTheOverallRowFirst() {
        List<BiasMetricRow> rows = accumulate(mainCase()).results(null);
        List<Integer> order = rows.stream().map(r -> BiasMetricNames.ALL.indexOf(r.metric())).toList();
        assertThat(order).isSorted();
        assertThat(rows.get(0)).isEqualTo(find(rows, "target_modality_accuracy", null, null).orElseThrow());
        // no instruction pairs in the main case
        assertThat(rows).noneMatch(r -> r.metric().startsWith("instruction_"));
    }

    @Test
    void mergeInAnyGroupingEqualsAddingOneByOne() {
        List<BiasQuery> all = mainCase();
        List<BiasMetricRow> sequential = accumulate(all).results(null);

        ModalityBiasAccumulator left = accumulate(all.subList(0, 2));
        ModalityBiasAccumulator middle = accumulate(all.subList(2, 3));
        ModalityBiasAccumulator right = accumulate(all.subList(3, 6));
        assertThat(left.merge(middle).merge(right).results(null)).isEqualTo(sequential);

        ModalityBiasAccumulator a = accumulate(all.subList(0, 2));
        ModalityBiasAccumulator b = accumulate(all.subList(2, 3));
        ModalityBiasAccumulator c = accumulate(all.subList(3, 6));
        assertThat(c.merge(b.merge(a)).results(null)).isEqualTo(sequential);

        assertThat(new ModalityBiasAccumulator().merge(accumulate(all)).results(null)).isEqualTo(sequential);
    }

    @Test
    void emptyAccumulatorHasNoRows() {
        assertThat(new ModalityBiasAccumulator().results(centroidsTextImage())).isEmpty();
    }

    // ---- instruction pairs ----

    /** TEXT centroid (1, 0, 0), IMAGE centroid (0, 1, 0): direction TEXT -> IMAGE is (-1, 1, 0) / sqrt(2). */
    private static ModalityCentroids centroidsTextImage() {
        ModalityCentroids c = new ModalityCentroids();
        c.add("TEXT", new float[] {1f, 0f, 0f});
        c.add("IMAGE", new float[] {0f, 1f, 0f});
        return c;
    }

    /** One emission of a query for the instruction ablation; top-1 is the given modality. */
    private static BiasQuery emission(String id, String q, String t, boolean instruction, String top1Modality,
            float[] vector) {
        return BiasQuery.builder(id, q).targetModality(t).instructionApplied(instruction)
                .gold("g-" + id, t).result("r-" + id, top1Modality, 0.9).queryVector(vector).build();
    }

    /*
     * Pairs (with / without instruction), TEXT -> IMAGE, vectors in 3-d, without-vector (1, 0, 0) unless noted:
     *   p1 top1 with IMAGE (1), without TEXT (0) -> +1; v_with (0.5, 0.5, 0): shift (-0.5, 0.5, 0), cos = 1
     *   p2 with IMAGE (1), without IMAGE (1)     ->  0; v_with (1, 0, 0.25): shift (0, 0, 0.25), cos = 0
     *   p3 with TEXT (0), without IMAGE (1)      -> -1; v_with (0.5, 0, 0): shift (-0.5, 0, 0),
     *      cos = (0.5) / (0.5 * sqrt(2)) = 1/sqrt(2)
     *   p4 with IMAGE (1), without TEXT (0)      -> +1; v_with = v_without: zero shift, contributes 0
     * IMAGE -> TEXT:
     *   p5 with TEXT (1), without IMAGE (0)      -> +1; no vectors
     * instruction_effect_accuracy: (T, I) (1 + 0 - 1 + 1) / 4 = 0.25; (I, T) 1/1 = 1;
     *   overall (1 + 0 - 1 + 1 + 1) / 5 = 2/5 = 0.4
     * instruction_shift_cosine: (T, I) (1 + 0 + 1/sqrt(2) + 0) / 4; overall the same (only T->I has vectors)
     * Served (with-instruction) target accuracy: (T, I) p1 1, p2 1, p3 0, p4 1 -> 3/4; (I, T) p5 1; overall 4/5
     */
    private static List<BiasQuery> pairCase() {
        float[] e1 = {1f, 0f, 0f};
        return List.of(
                emission("p1", "TEXT", "IMAGE", true, "IMAGE", new float[] {0.5f, 0.5f, 0f}),
                emission("p1", "TEXT", "IMAGE", false, "TEXT", e1),
                emission("p2", "TEXT", "IMAGE", false, "IMAGE", e1),   // without first
                emission("p2", "TEXT", "IMAGE", true, "IMAGE", new float[] {1f, 0f, 0.25f}),
                emission("p3", "TEXT", "IMAGE", true, "TEXT", new float[] {0.5f, 0f, 0f}),
                emission("p4", "TEXT", "IMAGE", true, "IMAGE", e1),
                emission("p5", "IMAGE", "TEXT", false, "IMAGE", null),
                emission("p3", "TEXT", "IMAGE", false, "IMAGE", e1),   // p3 completes after others arrived
                emission("p4", "TEXT", "IMAGE", false, "TEXT", e1),
                emission("p5", "IMAGE", "TEXT", true, "TEXT", null));
    }

    @Test
    void instructionEffectPairsEmissionsByQueryId() {
        ModalityBiasAccumulator acc = accumulate(pairCase());
        List<BiasMetricRow> rows = acc.results(centroidsTextImage());

        assertThat(acc.pendingCount()).isZero();
        assertRow(rows, "instruction_effect_accuracy", "TEXT", "IMAGE", 0.25, 4);
        assertRow(rows, "instruction_effect_accuracy", "IMAGE", "TEXT", 1.0, 1);
        assertRow(rows, "instruction_effect_accuracy", null, null, 0.4, 5);

        double cosine = (1.0 + 0.0 + 1.0 / Math.sqrt(2.0) + 0.0) / 4.0;   // 0.4267766952966369
        assertRow(rows, "instruction_shift_cosine", "TEXT", "IMAGE", cosine, 4);
        assertRow(rows, "instruction_shift_cosine", null, null, cosine, 4);
        assertThat(find(rows, "instruction_shift_cosine", "IMAGE", "TEXT")).isEmpty();   // p5 had no vectors

        // Only the with-instruction (served) emissions count for the served metrics.
        assertRow(rows, "target_modality_accuracy", "TEXT", "IMAGE", 0.75, 4);
        assertRow(rows, "target_modality_accuracy", "IMAGE", "TEXT", 1.0, 1);
        assertRow(rows, "target_modality_accuracy", null, null, 0.8, 5);
    }

    @Test
    void shiftCosineIsLeftOutWithoutCentroids() {
        List<BiasMetricRow> rows = accumulate(pairCase()).results(null);
        assertThat(rows).noneMatch(r -> r.metric().equals("instruction_shift_cosine"));
        assertThat(find(rows, "instruction_effect_accuracy", null, null)).isPresent();

        ModalityCentroids onlyText = new ModalityCentroids();
        onlyText.add("TEXT", new float[] {1f, 0f, 0f});
        assertThat(accumulate(pairCase()).results(onlyText))
                .noneMatch(r -> r.metric().equals("instruction_shift_cosine"));
    }

    @Test
    void servedConditionWithoutInstructionSwapsTheRoles() {
        ModalityBiasAccumulator acc = new ModalityBiasAccumulator(false, 10);
        pairCase().forEach(acc::add);
        List<BiasMetricRow> rows = acc.results(centroidsTextImage());

        // served = without-instruction emissions: (T, I) p1 0, p2 1, p3 1, p4 0 -> 0.5; (I, T) p5 0
        assertRow(rows, "target_modality_accuracy", "TEXT", "IMAGE", 0.5, 4);
        assertRow(rows, "target_modality_accuracy", "IMAGE", "TEXT", 0.0, 1);
        // the effect is still "with minus without"
        assertRow(rows, "instruction_effect_accuracy", "TEXT", "IMAGE", 0.25, 4);
    }

    @Test
    void pairingOffIgnoresAblationCopies() {
        ModalityBiasAccumulator acc = new ModalityBiasAccumulator(true, 0);
        pairCase().forEach(acc::add);
        List<BiasMetricRow> rows = acc.results(centroidsTextImage());

        assertThat(acc.pendingCount()).isZero();
        assertThat(acc.pendingEvicted).isZero();
        assertThat(rows).noneMatch(r -> r.metric().startsWith("instruction_"));
        assertRow(rows, "target_modality_accuracy", null, null, 0.8, 5);
    }

    @Test
    void pairsSplitAcrossAccumulatorsCompleteOnMerge() {
        List<BiasQuery> withs = pairCase().stream().filter(BiasQuery::instructionApplied).toList();
        List<BiasQuery> withouts = pairCase().stream().filter(q -> !q.instructionApplied()).toList();
        ModalityBiasAccumulator a = accumulate(withs);
        ModalityBiasAccumulator b = accumulate(withouts);
        assertThat(a.pendingCount()).isEqualTo(5);
        assertThat(b.pendingCount()).isEqualTo(5);

        ModalityBiasAccumulator merged = a.merge(b);
        assertThat(merged.pendingCount()).isZero();
        List<BiasMetricRow> expected = accumulate(pairCase()).results(centroidsTextImage());
        List<BiasMetricRow> actual = merged.results(centroidsTextImage());
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            BiasMetricRow e = expected.get(i);
            BiasMetricRow x = actual.get(i);
            assertThat(x.metric()).isEqualTo(e.metric());
            assertThat(x.queryModality()).isEqualTo(e.queryModality());
            assertThat(x.resultModality()).isEqualTo(e.resultModality());
            assertThat(x.count()).isEqualTo(e.count());
            assertThat(x.value()).as(e.toString()).isCloseTo(e.value(), EPS);   // shift sums: plain doubles
        }
    }

    @Test
    void mismatchedPartnerIsRejectedAndLeavesStateUnchanged() {
        ModalityBiasAccumulator acc = new ModalityBiasAccumulator();
        acc.add(emission("p", "TEXT", "IMAGE", true, "IMAGE", null));
        List<BiasMetricRow> before = acc.results(null);

        assertThatThrownBy(() -> acc.add(emission("p", "TEXT", "VIDEO", false, "TEXT", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'p'");
        assertThat(acc.results(null)).isEqualTo(before);
        assertThat(acc.pendingCount()).isEqualTo(1);

        // merge cannot tell which side is wrong: both dropped and counted
        ModalityBiasAccumulator other = new ModalityBiasAccumulator();
        other.add(emission("p", "TEXT", "VIDEO", false, "TEXT", null));
        acc.merge(other);
        assertThat(acc.pendingCount()).isZero();
        assertThat(acc.mismatchedPairs).isEqualTo(1);
        assertThat(acc.results(null)).noneMatch(r -> r.metric().startsWith("instruction_"));
    }

    @Test
    void pendingIsBoundedByEvictingTheOldest() {
        ModalityBiasAccumulator acc = new ModalityBiasAccumulator(true, 2);
        acc.add(emission("a", "TEXT", "IMAGE", true, "IMAGE", null));
        acc.add(emission("b", "TEXT", "IMAGE", true, "IMAGE", null));
        acc.add(emission("c", "TEXT", "IMAGE", true, "IMAGE", null));   // evicts a
        assertThat(acc.pending.keySet()).containsExactlyInAnyOrder("b", "c");
        assertThat(acc.pendingEvicted).isEqualTo(1);

        acc.add(emission("a", "TEXT", "IMAGE", false, "TEXT", null));   // partner gone: waits, evicts b
        assertThat(acc.pending.keySet()).containsExactlyInAnyOrder("c", "a");
        assertThat(acc.pendingEvicted).isEqualTo(2);

        acc.add(emission("c", "TEXT", "IMAGE", false, "TEXT", null));   // completes c: +1
        assertRow(acc.results(null), "instruction_effect_accuracy", "TEXT", "IMAGE", 1.0, 1);
        assertThat(acc.pending.keySet()).containsExactly("a");
    }

    @Test
    void sameConditionTwiceReplacesTheWaitingEmission() {
        ModalityBiasAccumulator acc = new ModalityBiasAccumulator();
        acc.add(emission("p", "TEXT", "IMAGE", false, "IMAGE", null));
        acc.add(emission("p", "TEXT", "IMAGE", false, "TEXT", null));   // replaces: without-top1 now TEXT (0)
        acc.add(emission("p", "TEXT", "IMAGE", true, "IMAGE", null));   // with 1 - without 0
        assertRow(acc.results(null), "instruction_effect_accuracy", "TEXT", "IMAGE", 1.0, 1);
    }

    @Test
    void rejectsMergingDifferentServedConditions() {
        assertThatThrownBy(() -> new ModalityBiasAccumulator(true, 1).merge(new ModalityBiasAccumulator(false, 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModalityBiasAccumulator(true, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manyQueriesStayExactInShareUnits() {
        // 3 queries of 3 results each: TEXT share 1/3 each -> mean exactly 1/3 after any number of such queries,
        // because shares are counted in whole units of 1/2520 (840 units each).
        List<BiasQuery> queries = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            queries.add(BiasQuery.builder("q" + i, "IMAGE").result("t" + i, "TEXT", 0.3)
                    .result("i" + i, "IMAGE", 0.2).result("v" + i, "VIDEO", 0.1).build());
        }
        ModalityBiasAccumulator acc = accumulate(queries);
        assertThat(acc.shareUnits[(2 * 5 + 1) * 5 + 0]).isEqualTo(3000L * 840L);
        assertRow(acc.results(null), "topk_share@10", "IMAGE", "TEXT", 1.0 / 3.0, 3000);
    }
}
