package io.omnistream.flink.bias.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.flink.quality.BenchEmbedding;
import io.omnistream.flink.quality.BenchJudgment;
import io.omnistream.flink.quality.TaskMetric;
import io.omnistream.schemas.avro.QueryRanking;
import io.omnistream.schemas.avro.RankedCandidate;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The join and the accumulators through Flink's operator harness, on a hand-worked mixed task: candidates a#TEXT,
 * a#DOC, b#TEXT, b#DOC; query q (TEXT) with gold a#DOC; with its instruction the ranking is a#DOC, a#TEXT, ...
 * (target modality at top 1, a hit), without it (the "-noinst" twin) a#TEXT, a#DOC, ... (wrong modality at top 1).
 */
class BiasJobOperatorsTest {

    private static BenchEmbedding embedding(String task, String role, String item, String modality, float[] v) {
        return new BenchEmbedding("bge", "v1", modality, task, role, item, 0, 1_000L, v);
    }

    private static BenchJudgment judgment(String task) {
        BenchJudgment j = new BenchJudgment();
        j.taskId = task;
        j.queryItemId = "q";
        j.queryModality = "TEXT";
        j.targetModality = "TEXT"; // the task level says TEXT; the gold's modality (DOCUMENT) must win
        j.goldIds = new String[] {"a#DOC"};
        j.goldRelevance = new int[] {1};
        return j;
    }

    private static BiasInput ranking(String task, String... ids) {
        List<RankedCandidate> ranked = new java.util.ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            ranked.add(new RankedCandidate(ids[i], 0.9 - 0.1 * i));
        }
        return BiasInput.of(QueryRanking.newBuilder().setModelId("bge").setModelVersion("v1").setTaskId(task)
                .setEpoch(0).setQueryItemId("q").setPath("exact").setCandidateCount(ids.length).setRanked(ranked)
                .setMetrics(Map.of()).setEventTimeMs(2_000L).build());
    }

    private static float[] unit(float x, float y) {
        float n = (float) Math.sqrt(x * x + y * y);
        return new float[] {x / n, y / n};
    }

    @Test
    void joinWaitsForModalitiesAndJudgmentAndTakesTheTargetFromTheGold() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new BiasJoinFunction(java.time.Duration.ZERO)), BiasInput::key, Types.STRING);
        h.open();
        h.processElement(ranking("t", "a#DOC", "a#TEXT"), 0);
        h.processElement(BiasInput.of(embedding("t", "QUERY", "q", "TEXT", unit(1, 0))), 0);
        h.processElement(BiasInput.of(embedding("t", "CANDIDATE", "a#DOC", "DOCUMENT", unit(0, 1))), 0);
        h.processElement(BiasInput.of(judgment("t")), 0);
        // a#TEXT's modality is still unknown: only the candidate observation so far
        assertThat(h.extractOutputValues()).extracting(o -> o.kind).containsExactly(BiasObservation.CANDIDATE);
        h.processElement(BiasInput.of(embedding("t", "CANDIDATE", "a#TEXT", "TEXT", unit(1, 0))), 0);
        List<BiasObservation> out = h.extractOutputValues();
        assertThat(out).hasSize(3);
        BiasObservation q = out.get(2);
        assertThat(q.kind).isEqualTo(BiasObservation.QUERY);
        assertThat(q.modality).isEqualTo("TEXT");
        assertThat(q.targetModality).isEqualTo("DOCUMENT");
        assertThat(q.resultModalities).containsExactly("DOCUMENT", "TEXT");
        assertThat(q.goldModalities).containsExactly("DOCUMENT");
        h.close();
    }

    @Test
    void accumulatorPairsTheTwinTaskAndEmitsRunningValuesOnTheTimer() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new BiasAccumulateFunction("-noinst", 100, 1_000L, 3)), (BiasObservation o) -> o.modelVersion,
                Types.STRING);
        h.open();
        h.setProcessingTime(0);
        h.processElement(observation("t", new String[] {"a#DOC", "a#TEXT"}, new String[] {"DOCUMENT", "TEXT"},
                unit(1, 1)), 0);
        h.processElement(observation("t-noinst", new String[] {"a#TEXT", "a#DOC"}, new String[] {"TEXT", "DOCUMENT"},
                unit(1, 0)), 0);
        assertThat(h.extractOutputValues()).isEmpty(); // nothing before the emit interval
        h.setProcessingTime(1_000);
        List<TaskMetric> rows = h.extractOutputValues();
        // per task and over all tasks: the served (instructed) query has the target modality at top 1 ...
        assertThat(value(rows, "target_modality_accuracy", "t", null, null)).isEqualTo(1.0);
        assertThat(value(rows, "target_modality_accuracy", null, null, null)).isEqualTo(1.0);
        // ... and its twin does not: effect 1 - 0 = 1 over one pair
        assertThat(value(rows, "instruction_effect_accuracy", "t", null, null)).isEqualTo(1.0);
        // top-1 share of TEXT queries: DOCUMENT 1, TEXT 0 (the ablation copy does not count)
        assertThat(value(rows, "topk_share@1", "t", "TEXT", "DOCUMENT")).isEqualTo(1.0);
        assertThat(value(rows, "topk_share@1", "t", "TEXT", "TEXT")).isEqualTo(0.0);
        // query-modality bias @1: own share 0 - gold share 0 = 0; @10 (2 results): own 1/2 - 0 = 0.5
        assertThat(value(rows, "query_modality_bias@10", "t", "TEXT", null)).isEqualTo(0.5);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.scope).isEqualTo("modality_bias");
            assertThat(r.modelVersion).isEqualTo("v1");
            assertThat(r.epoch).isZero();
        });
        h.close();
    }

    private static BiasObservation observation(String task, String[] ids, String[] modalities, float[] vector) {
        BiasObservation o = new BiasObservation();
        o.kind = BiasObservation.QUERY;
        o.modelId = "bge";
        o.modelVersion = "v1";
        o.taskId = task;
        o.epoch = 0;
        o.eventTimeMs = 5;
        o.modality = "TEXT";
        o.vector = vector;
        o.queryItemId = "q";
        o.targetModality = "DOCUMENT";
        o.goldIds = new String[] {"a#DOC"};
        o.goldModalities = new String[] {"DOCUMENT"};
        o.resultIds = ids;
        o.resultModalities = modalities;
        o.resultScores = new double[] {0.9, 0.8};
        return o;
    }

    private static double value(List<TaskMetric> rows, String metric, String task, String qm, String tm) {
        return rows.stream().filter(r -> r.metric.equals(metric) && java.util.Objects.equals(r.taskId, task)
                        && java.util.Objects.equals(r.queryModality, qm) && java.util.Objects.equals(r.targetModality, tm))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError(metric + " " + task + " " + qm + "->" + tm))
                .value;
    }
}
