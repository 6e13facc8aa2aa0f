package io.omnistream.flink.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.omnistream.flink.quality.metrics.MetricAggregate;
import io.omnistream.flink.quality.metrics.MetricName;
import io.omnistream.flink.quality.metrics.QueryMetrics;
import io.omnistream.flink.quality.metrics.RankedList;
import io.omnistream.flink.quality.metrics.ScoredCandidate;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End to end on a Flink MiniCluster (parallelism 2): a GLOBAL task (50 candidates, 10 queries, two model versions
 * sharing the judgments) and a LOCAL task (8 queries with their own 10-candidate lists), events shuffled, with a
 * duplicated query event, candidate event and judgment. Expected values are computed here independently (own dot
 * products and sort; {@link QueryMetrics#compute} only for the metric formulas).
 */
class RetrievalQualityPipelineIT {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    private static final int DIM = 16;
    private static final String GLOBAL_TASK = "g-task";
    private static final String LOCAL_TASK = "l-task";
    private static final String DEAD_TASK = "d-task";
    private static final String[][] MODELS = {{"model-a", "v1"}, {"model-b", "v7"}};

    /** (model, task, query) -> expected per-query values; candidates -> vectors per (model, task). */
    private final Map<String, Map<String, float[]>> candidateVectors = new HashMap<>();
    private final Map<String, float[]> queryVectors = new HashMap<>();
    private final Map<String, BenchJudgment> judgmentByTaskQuery = new HashMap<>();
    private final Map<String, long[]> windows = new HashMap<>();
    private final List<BenchEmbedding> events = new ArrayList<>();
    private final List<BenchJudgment> judgments = new ArrayList<>();

    @Test
    void exactMetricsMatchIndependentComputationAndDuplicatesAreIgnored() throws Exception {
        Random rnd = new Random(20260503L);
        // GLOBAL task, both models.
        for (String[] model : MODELS) {
            generateGlobalTask(rnd, model);
        }
        generateGlobalJudgments(rnd);
        // LOCAL task, model-a only.
        generateLocalTask(rnd, MODELS[0]);

        Collections.shuffle(events, rnd);
        Collections.shuffle(judgments, rnd);
        // Duplicates: a query replayed in the middle and at the very end, a candidate and a judgment replayed.
        BenchEmbedding someQuery = events.stream().filter(BenchEmbedding::isQuery).findFirst().orElseThrow();
        BenchEmbedding lastQuery = events.stream().filter(e -> e.isQuery() && e.taskId.equals(LOCAL_TASK))
                .reduce((a, b) -> b).orElseThrow();
        BenchEmbedding someCandidate = events.stream().filter(e -> !e.isQuery()).findFirst().orElseThrow();
        events.add(events.size() / 2, someQuery);
        events.add(events.size() / 3, someCandidate);
        events.add(lastQuery);
        judgments.add(judgments.get(0));
        int distinctQueries = 10 * MODELS.length + 8;

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // A dead-lettered item of a third task: reported as not scored, never as a metric value.
        events.add(events.size() / 2, BenchEmbedding.deadLetter(DEAD_TASK, 0, "CANDIDATE", "d-c1", 42L,
                "encode: no encoder for modality IMAGE in model model-a"));
        events.add(BenchEmbedding.deadLetter(DEAD_TASK, 0, "CANDIDATE", "d-c1", 43L, "encode: again"));
        RetrievalQualityPipeline.Outputs outputs = RetrievalQualityPipeline.build(
                env.fromData(events, Types.POJO(BenchEmbedding.class)),
                env.fromData(judgments, Types.POJO(BenchJudgment.class)),
                new RetrievalQualityPipeline.Options()
                        .windows(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(5)));
        CloseableIterator<QueryScore> scoreIt = outputs.queryScores.collectAsync();
        CloseableIterator<TaskMetric> metricIt = outputs.metrics.collectAsync();
        env.execute("retrieval-quality-it");
        List<QueryScore> scores = drain(scoreIt);
        List<TaskMetric> allMetrics = drain(metricIt);
        List<TaskMetric> metrics = allMetrics.stream()
                .filter(m -> m.scope.equals(QualityVocabulary.SCOPE_TASK) && !m.metric.equals("not_scored")).toList();

        // Every query scored exactly once.
        assertThat(scores).hasSize(distinctQueries);
        assertThat(scores.stream().map(s -> s.modelId + "|" + s.taskId + "|" + s.queryItemId).distinct().count())
                .isEqualTo(distinctQueries);

        Map<String, MetricAggregate> expectedTask = new HashMap<>();
        Map<String, Integer> expectedN = new HashMap<>();
        for (QueryScore s : scores) {
            String mt = s.modelId + "|" + s.modelVersion + "|" + s.taskId;
            BenchJudgment j = judgmentByTaskQuery.get(s.taskId + "|" + s.queryItemId);
            List<ScoredCandidate> expectedRanking = independentRanking(mt, s.queryItemId, j);
            QueryMetrics expected = QueryMetrics.compute(RankedList.of(expectedRanking), j.judgments());
            for (MetricName name : MetricName.values()) {
                assertThat(s.value(name)).as(s + " " + name).isCloseTo(expected.value(name), within(1e-9));
            }
            int top = Math.min(QueryScore.TOP_N, expectedRanking.size());
            assertThat(s.topIds).containsExactly(
                    expectedRanking.subList(0, top).stream().map(ScoredCandidate::id).toArray(String[]::new));
            assertThat(s.candidateCount).isEqualTo(expectedRanking.size());
            assertThat(s.epoch).isZero();
            expectedTask.merge(mt, MetricAggregate.empty().plus(expected), MetricAggregate::merge);
            expectedN.merge(mt, 1, Integer::sum);
        }
        assertThat(expectedN).containsExactlyInAnyOrderEntriesOf(Map.of(
                "model-a|v1|" + GLOBAL_TASK, 10, "model-b|v7|" + GLOBAL_TASK, 10, "model-a|v1|" + LOCAL_TASK, 8));

        // Task metrics: 11 per scored query; the record with the largest n is the final task mean.
        assertThat(metrics).hasSize(distinctQueries * MetricName.values().length);
        Map<String, TaskMetric> last = new HashMap<>();
        for (TaskMetric m : metrics) {
            assertThat(m.scope).isEqualTo("task");
            assertThat(m.path).isEqualTo("exact");
            assertThat(m.epoch).isZero();
            last.merge(m.modelId + "|" + m.modelVersion + "|" + m.taskId + "|" + m.metric, m,
                    (a, b) -> a.n >= b.n ? a : b);
        }
        assertThat(last).hasSize(3 * MetricName.values().length);
        for (TaskMetric m : last.values()) {
            String mt = m.modelId + "|" + m.modelVersion + "|" + m.taskId;
            assertThat(m.n).as(mt).isEqualTo(expectedN.get(mt).longValue());
            assertThat(m.value).as(mt + " " + m.metric)
                    .isCloseTo(expectedTask.get(mt).mean(MetricName.fromKey(m.metric)).getAsDouble(), within(1e-9));
            assertThat(m.windowStartMs).isEqualTo(windows.get(mt)[0]);
            assertThat(m.windowEndMs).isEqualTo(windows.get(mt)[1]);
        }

        // Across tasks: the final model-scope value is the unweighted mean of the model's task means, n their sum.
        Map<String, TaskMetric> lastModel = new HashMap<>();
        for (TaskMetric m : allMetrics) {
            if (m.scope.equals(QualityVocabulary.SCOPE_MODEL)) {
                lastModel.merge(m.modelId + "|" + m.metric, m, (a, b) -> a.n >= b.n ? a : b);
            }
        }
        assertThat(lastModel).hasSize(MODELS.length * MetricName.values().length);
        for (MetricName name : MetricName.values()) {
            double a = (expectedTask.get("model-a|v1|" + GLOBAL_TASK).mean(name).getAsDouble()
                    + expectedTask.get("model-a|v1|" + LOCAL_TASK).mean(name).getAsDouble()) / 2;
            assertThat(lastModel.get("model-a|" + name.key()).value).isCloseTo(a, within(1e-9));
            assertThat(lastModel.get("model-a|" + name.key()).n).isEqualTo(18);
            assertThat(lastModel.get("model-b|" + name.key()).value)
                    .isCloseTo(expectedTask.get("model-b|v7|" + GLOBAL_TASK).mean(name).getAsDouble(), within(1e-9));
        }
        assertThat(allMetrics).anyMatch(m -> m.scope.equals(QualityVocabulary.SCOPE_META_TASK) && "RET".equals(m.metaTask));
        assertThat(allMetrics).anyMatch(m -> m.scope.equals(QualityVocabulary.SCOPE_MODALITY_PAIR)
                && "TEXT".equals(m.queryModality) && "IMAGE".equals(m.targetModality));

        // Event-time windows partition the queries: their n add up per task, their n-weighted means give the task mean.
        Map<String, double[]> windowTotals = new HashMap<>();
        for (TaskMetric m : allMetrics) {
            if (m.scope.equals(QualityVocabulary.SCOPE_WINDOW) && m.metric.equals("ndcg@10")) {
                assertThat(m.epoch).isNull();
                assertThat(m.windowEndMs - m.windowStartMs).isEqualTo(1000L);
                windowTotals.merge(m.modelId + "|" + m.modelVersion + "|" + m.taskId, new double[] {m.n, m.n * m.value},
                        (x, y) -> new double[] {x[0] + y[0], x[1] + y[1]});
            }
        }
        assertThat(windowTotals).hasSize(3);
        windowTotals.forEach((mt, t) -> {
            assertThat((long) t[0]).as(mt).isEqualTo(expectedN.get(mt).longValue());
            assertThat(t[1] / t[0]).as(mt).isCloseTo(
                    expectedTask.get(mt).mean(MetricName.NDCG_AT_10).getAsDouble(), within(1e-9));
        });

        // The dead-lettered item: not_scored records, the same item counted once.
        List<TaskMetric> notScored = allMetrics.stream().filter(m -> m.metric.equals("not_scored")).toList();
        assertThat(notScored).hasSize(2).allSatisfy(m -> {
            assertThat(m.taskId).isEqualTo(DEAD_TASK);
            assertThat(m.value).isEqualTo(1.0);
            assertThat(m.n).isZero();
            assertThat(m.modelVersion).isEqualTo("*");
        });
        assertThat(notScored.get(0).detail).contains("no encoder for modality IMAGE");
        assertThat(allMetrics).noneMatch(m -> DEAD_TASK.equals(m.taskId) && !m.metric.equals("not_scored"));
    }

    /** Own ranking: dot product in double, sorted by score descending then id descending. */
    private List<ScoredCandidate> independentRanking(String modelTask, String queryId, BenchJudgment j) {
        Map<String, float[]> pool = candidateVectors.get(modelTask);
        List<String> ids = j.isGlobal() ? new ArrayList<>(pool.keySet()) : List.of(j.candidateIds);
        float[] q = queryVectors.get(modelTask + "|" + queryId);
        List<ScoredCandidate> out = new ArrayList<>();
        for (String id : ids) {
            float[] c = pool.get(id);
            double s = 0;
            for (int i = 0; i < DIM; i++) {
                s += (double) q[i] * c[i];
            }
            out.add(new ScoredCandidate(id, s));
        }
        out.sort(Comparator.comparingDouble(ScoredCandidate::score).reversed()
                .thenComparing(ScoredCandidate::id, Comparator.reverseOrder()));
        return out;
    }

    private void generateGlobalTask(Random rnd, String[] model) {
        String mt = model[0] + "|" + model[1] + "|" + GLOBAL_TASK;
        Map<String, float[]> pool = new LinkedHashMap<>();
        for (int c = 0; c < 50; c++) {
            String id = String.format("g-c%02d", c);
            float[] v = randomUnit(rnd);
            pool.put(id, v);
            addEvent(model, GLOBAL_TASK, BenchEmbedding.ROLE_CANDIDATE, id, v, mt);
        }
        candidateVectors.put(mt, pool);
        List<String> ids = new ArrayList<>(pool.keySet());
        for (int q = 0; q < 10; q++) {
            String id = "g-q" + q;
            // Near a candidate so that rankings are meaningful (and hit@1 is sometimes 1).
            float[] v = noisy(rnd, pool.get(ids.get(rnd.nextInt(ids.size()))), 0.8);
            queryVectors.put(mt + "|" + id, v);
            addEvent(model, GLOBAL_TASK, BenchEmbedding.ROLE_QUERY, id, v, mt);
        }
    }

    private void generateGlobalJudgments(Random rnd) {
        for (int q = 0; q < 10; q++) {
            BenchJudgment j = judgment(GLOBAL_TASK, "g-q" + q, 50, null);
            int gold = q == 9 ? 0 : 1 + rnd.nextInt(3); // q9: nothing relevant
            j.goldIds = new String[Math.max(gold, 1)];
            j.goldRelevance = new int[j.goldIds.length];
            for (int g = 0; g < j.goldIds.length; g++) {
                j.goldIds[g] = String.format("g-c%02d", rnd.nextInt(50));
                j.goldRelevance[g] = gold == 0 ? 0 : 1 + rnd.nextInt(3);
            }
            judgments.add(j);
            judgmentByTaskQuery.put(GLOBAL_TASK + "|" + j.queryItemId, j);
        }
    }

    private void generateLocalTask(Random rnd, String[] model) {
        String mt = model[0] + "|" + model[1] + "|" + LOCAL_TASK;
        Map<String, float[]> pool = new LinkedHashMap<>();
        for (int c = 0; c < 30; c++) {
            String id = String.format("l-c%02d", c);
            float[] v = randomUnit(rnd);
            pool.put(id, v);
            addEvent(model, LOCAL_TASK, BenchEmbedding.ROLE_CANDIDATE, id, v, mt);
        }
        candidateVectors.put(mt, pool);
        for (int q = 0; q < 8; q++) {
            String id = "l-q" + q;
            List<String> ids = new ArrayList<>(pool.keySet());
            Collections.shuffle(ids, rnd);
            String[] own = ids.subList(0, 10).toArray(new String[0]);
            float[] v = noisy(rnd, pool.get(own[rnd.nextInt(10)]), 0.6);
            queryVectors.put(mt + "|" + id, v);
            addEvent(model, LOCAL_TASK, BenchEmbedding.ROLE_QUERY, id, v, mt);
            BenchJudgment j = judgment(LOCAL_TASK, id, 10, own);
            // One gold in the list, and for odd queries a second gold outside it (lowers recall/NDCG).
            j.goldIds = q % 2 == 0 ? new String[] {own[rnd.nextInt(10)]} : new String[] {own[rnd.nextInt(10)], ids.get(20)};
            j.goldRelevance = q % 2 == 0 ? new int[] {1} : new int[] {2, 1};
            judgments.add(j);
            judgmentByTaskQuery.put(LOCAL_TASK + "|" + id, j);
        }
    }

    private static BenchJudgment judgment(String task, String queryId, int count, String[] candidateIds) {
        BenchJudgment j = new BenchJudgment();
        j.taskId = task;
        j.queryItemId = queryId;
        j.epoch = 0;
        j.metaTask = "RET";
        j.queryModality = "TEXT";
        j.targetModality = "IMAGE";
        j.primaryMetric = "hit@1";
        j.candidateCount = count;
        j.candidateIds = candidateIds;
        return j;
    }

    private void addEvent(String[] model, String task, String role, String itemId, float[] v, String mt) {
        long t = 1_000_000L + events.size() * 10L;
        if (!role.equals(BenchEmbedding.ROLE_QUERY)) {
            events.add(new BenchEmbedding(model[0], model[1], "TEXT", task, role, itemId, 0, t, v));
            return;
        }
        windows.merge(mt, new long[] {t, t}, (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        events.add(new BenchEmbedding(model[0], model[1], "TEXT", task, role, itemId, 0, t, v));
    }

    private static float[] randomUnit(Random rnd) {
        double[] d = new double[DIM];
        for (int i = 0; i < DIM; i++) {
            d[i] = rnd.nextGaussian();
        }
        return normalise(d);
    }

    private static float[] noisy(Random rnd, float[] base, double noise) {
        double[] d = new double[DIM];
        for (int i = 0; i < DIM; i++) {
            d[i] = base[i] + noise * rnd.nextGaussian();
        }
        return normalise(d);
    }

    private static float[] normalise(double[] d) {
        double n = 0;
        for (double x : d) {
            n += x * x;
        }
        n = Math.sqrt(n);
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) (d[i] / n);
        }
        return out;
    }

    private static <T> List<T> drain(CloseableIterator<T> it) throws Exception {
        List<T> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
