package io.omnistream.flink.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.flink.quality.metrics.MetricAggregate;
import io.omnistream.flink.quality.metrics.MetricName;
import io.omnistream.flink.quality.metrics.QueryMetrics;
import io.omnistream.flink.quality.metrics.RankedList;
import io.omnistream.schemas.avro.BenchmarkMarker;
import io.omnistream.schemas.avro.BenchmarkRole;
import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.avro.GradedCandidate;
import io.omnistream.schemas.avro.Judgment;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.avro.RetrievalMetric;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class RetrievalQualityFunctionTest {

    @Test
    void globalCompleteRequiresExactlyTheDeclaredPoolSize() {
        assertThat(RetrievalQualityFunction.globalComplete(49, 50)).isFalse();
        assertThat(RetrievalQualityFunction.globalComplete(50, 50)).isTrue();
        assertThat(RetrievalQualityFunction.globalComplete(51, 50)).isFalse();
        assertThat(RetrievalQualityFunction.globalComplete(0, 0)).isFalse();
    }

    @Test
    void localCompleteRequiresEveryListedId() {
        Set<String> have = Set.of("a", "b", "c");
        assertThat(RetrievalQualityFunction.localComplete(new String[] {"a", "c"}, have::contains)).isTrue();
        assertThat(RetrievalQualityFunction.localComplete(new String[] {"a", "d"}, have::contains)).isFalse();
        assertThat(RetrievalQualityFunction.localComplete(new String[] {}, have::contains)).isFalse();
        assertThat(RetrievalQualityFunction.localComplete(null, have::contains)).isFalse();
    }

    @Test
    void rankIsByDotProductThenIdDescending() {
        Map<String, float[]> pool = new LinkedHashMap<>();
        pool.put("a", new float[] {1f, 0f});
        pool.put("b", new float[] {0f, 1f});
        pool.put("c", new float[] {0.6f, 0.8f});
        pool.put("d", new float[] {1f, 0f}); // ties with a: d before a (id descending)
        RankedList ranking = RetrievalQualityFunction.rank(new float[] {1f, 0f}, pool);
        assertThat(ranking.ids()).containsExactly("d", "a", "c", "b");
        assertThatThrownBy(() -> RetrievalQualityFunction.dot(new float[2], new float[3]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keySeparatesTaskAndEpoch() {
        assertThat(RetrievalQualityFunction.key("t", 0)).isNotEqualTo(RetrievalQualityFunction.key("t", 1));
    }

    @Test
    void metricSumsMeansEqualMetricAggregateAndMergeIsAddition() {
        MetricSums all = new MetricSums();
        MetricSums firstHalf = new MetricSums();
        MetricSums secondHalf = new MetricSums();
        MetricAggregate agg = MetricAggregate.empty();
        Map<String, float[]> pool = new LinkedHashMap<>();
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 20; i++) {
            pool.put("c" + i, new float[] {rnd.nextFloat(), rnd.nextFloat()});
        }
        for (int q = 0; q < 30; q++) {
            RankedList r = RetrievalQualityFunction.rank(new float[] {rnd.nextFloat(), rnd.nextFloat()}, pool);
            QueryMetrics m = QueryMetrics.compute(r,
                    io.omnistream.flink.quality.metrics.Judgments.of(Map.of("c" + rnd.nextInt(20), 1 + q % 3)));
            double[] values = new double[MetricName.values().length];
            for (MetricName name : MetricName.values()) {
                values[name.ordinal()] = m.value(name);
            }
            all.add(values, 1000L + q);
            (q < 10 ? firstHalf : secondHalf).add(values, 1000L + q);
            agg = agg.plus(m);
        }
        MetricSums merged = firstHalf.merge(secondHalf);
        for (MetricName name : MetricName.values()) {
            assertThat(all.mean(name.ordinal())).isEqualTo(agg.mean(name).getAsDouble());
            assertThat(merged.mean(name.ordinal())).isCloseTo(agg.mean(name).getAsDouble(),
                    org.assertj.core.api.Assertions.within(1e-15));
        }
        assertThat(all.n).isEqualTo(30);
        assertThat(merged.n).isEqualTo(30);
        assertThat(all.firstEventMs).isEqualTo(1000L);
        assertThat(all.lastEventMs).isEqualTo(1029L);
        assertThat(new MetricSums().mean(0)).isNaN();
    }

    @Test
    void annOverlapIsTheShareOfTheExactTopFoundInTheServedTop() {
        String[] exact = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"};
        String[] served = {"a", "c", "x", "b", "y", "z", "w", "v", "u", "t", "d"}; // d is 11th: outside the top 10
        assertThat(TaskAggregateFunction.overlap(exact, served, 10)).isEqualTo(0.3);
        // a ranking shorter than k: the denominator is its length
        assertThat(TaskAggregateFunction.overlap(new String[] {"a", "b"}, new String[] {"b"}, 10)).isEqualTo(0.5);
        assertThat(TaskAggregateFunction.overlap(new String[0], new String[0], 10)).isEqualTo(1.0);
    }

    @Test
    void crossTaskInputsAreTaskScopeRetrievalMetricsOnly() {
        TaskMetric m = new TaskMetric();
        m.scope = QualityVocabulary.SCOPE_TASK;
        m.metric = "ndcg@10";
        assertThat(CrossTaskAggregateFunction.isInput(m)).isTrue();
        m.metric = "recall_loss@10";
        assertThat(CrossTaskAggregateFunction.isInput(m)).isFalse();
        m.metric = QualityVocabulary.NOT_SCORED;
        assertThat(CrossTaskAggregateFunction.isInput(m)).isFalse();
        m.metric = "hit@1";
        m.scope = QualityVocabulary.SCOPE_WINDOW;
        assertThat(CrossTaskAggregateFunction.isInput(m)).isFalse();
    }

    @Test
    void deadLettersCountQueryAndCandidateOfTheSameIdSeparately() {
        BenchEmbedding q = BenchEmbedding.deadLetter("coco-t2i", 1, "QUERY", "7", 5L, "encode: no encoder");
        BenchEmbedding c = BenchEmbedding.deadLetter("coco-t2i", 1, "CANDIDATE", "7", 5L, "encode: no encoder");
        assertThat(q.isDeadLetter()).isTrue();
        assertThat(q.isQuery()).isFalse();
        assertThat(q.itemId).isNotEqualTo(c.itemId);
        assertThat(RetrievalQualityFunction.key(q.taskId, q.epoch)).isEqualTo(RetrievalQualityFunction.key("coco-t2i", 1));
    }

    @Test
    void avroConversionDropsNonBenchmarkEventsAndKeepsFields() {
        EmbeddingEvent plain = event(null, 2, List.of(0.6f, 0.8f));
        assertThat(BenchEmbedding.fromAvro(plain)).isNull();
        BenchmarkMarker marker = BenchmarkMarker.newBuilder().setTaskId("t").setRole(BenchmarkRole.QUERY)
                .setItemId("q1").setEpoch(3).build();
        assertThat(BenchEmbedding.fromAvro(event(marker, 3, List.of(0.6f, 0.8f)))).isNull(); // bad dimension
        BenchEmbedding e = BenchEmbedding.fromAvro(event(marker, 2, List.of(0.6f, 0.8f)));
        assertThat(e.isQuery()).isTrue();
        assertThat(e.taskId).isEqualTo("t");
        assertThat(e.itemId).isEqualTo("q1");
        assertThat(e.epoch).isEqualTo(3);
        assertThat(e.eventTimeMs).isEqualTo(123L);
        assertThat(e.vector).containsExactly(0.6f, 0.8f);

        Judgment j = Judgment.newBuilder().setTaskId("t").setQueryItemId("q1").setEpoch(3).setMetaTask("RET")
                .setQueryModality(Modality.TEXT).setTargetModality(Modality.IMAGE).setCandidateCount(2)
                .setCandidateIds(null)
                .setGold(List.of(new GradedCandidate("c1", 2), new GradedCandidate("c1", 1),
                        new GradedCandidate("c2", 0)))
                .build();
        BenchJudgment bj = BenchJudgment.fromAvro(j);
        assertThat(bj.isGlobal()).isTrue();
        assertThat(bj.primaryMetric).isEqualTo("hit@1");
        assertThat(bj.judgments().grades()).containsExactlyInAnyOrderEntriesOf(Map.of("c1", 2, "c2", 0));
        j.setCandidateIds(List.of("c1", "c2"));
        assertThat(BenchJudgment.fromAvro(j).isGlobal()).isFalse();
    }

    @Test
    void taskMetricConvertsToAvro() {
        TaskMetric m = new TaskMetric();
        m.metric = "hit@1";
        m.value = 0.5;
        m.n = 4;
        m.scope = "task";
        m.taskId = "t";
        m.metaTask = "RET";
        m.queryModality = "TEXT";
        m.targetModality = "IMAGE";
        m.modelId = "m";
        m.modelVersion = "v";
        m.path = "exact";
        m.epoch = 2;
        m.windowStartMs = 1;
        m.windowEndMs = 9;
        m.emittedAtMs = 10;
        m.detail = "why";
        RetrievalMetric r = m.toAvro();
        assertThat(r.getDetail()).isEqualTo("why");
        TaskMetric other = m.withMetric("hit@5", 0.75);
        assertThat(other.seriesKey()).isNotEqualTo(m.seriesKey());
        assertThat(other.copy().seriesKey()).isEqualTo(other.seriesKey());
        assertThat(m.value).isEqualTo(0.5);
        assertThat(r.getQueryModality()).isEqualTo(Modality.TEXT);
        assertThat(r.getEpoch()).isEqualTo(2);
        assertThat(r.getN()).isEqualTo(4L);
    }

    /** Everything flowing through or stored by the job must be a Flink POJO without Kryo-serialized fields. */
    @Test
    void streamAndStateTypesArePojosWithoutGenericFields() {
        for (Class<?> type : List.of(BenchEmbedding.class, BenchJudgment.class, QueryScore.class, TaskMetric.class,
                ModelTaskState.class, MetricSums.class, WindowedQuality.WindowSums.class,
                CrossTaskAggregateFunction.TaskScores.class)) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            CompositeType<?> pojo = (CompositeType<?>) info;
            for (int i = 0; i < pojo.getArity(); i++) {
                assertThat(pojo.getTypeAt(i)).as(type.getSimpleName() + "." + pojo.getFieldNames()[i])
                        .isNotInstanceOf(GenericTypeInfo.class);
            }
        }
    }

    private static EmbeddingEvent event(BenchmarkMarker marker, int dimension, List<Float> vector) {
        return EmbeddingEvent.newBuilder().setContentId("c").setModelId("m").setModelVersion("v")
                .setModality(Modality.TEXT).setVector(vector).setDimension(dimension).setSourceEventTimeMs(123L)
                .setEmbeddedAtMs(456L).setBenchmark(marker).build();
    }
}
