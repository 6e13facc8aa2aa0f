package io.omnistream.flink.upgrade.job;

import static io.omnistream.flink.upgrade.job.GateFixtures.accuracy;
import static io.omnistream.flink.upgrade.job.GateFixtures.exact;
import static io.omnistream.flink.upgrade.job.GateFixtures.judgment;
import static io.omnistream.flink.upgrade.job.GateFixtures.notScored;
import static io.omnistream.flink.upgrade.job.GateFixtures.recallLoss;
import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.flink.quality.BenchJudgment;
import io.omnistream.flink.quality.TaskMetric;
import io.omnistream.flink.upgrade.EpochFigures;
import io.omnistream.flink.upgrade.Figure;
import org.junit.jupiter.api.Test;

class EpochStateTest {

    /** Task a: 2 judged queries (ndcg@10), task b: 1 (hit@1); exact figures of v1 and v2 not yet final. */
    private static EpochState twoTasks() {
        EpochState st = new EpochState();
        st.add(judgment("a", 0, "q1", "ndcg@10"));
        st.add(judgment("a", 0, "q2", "ndcg@10"));
        st.add(judgment("a", 0, "q2", "ndcg@10"));   // re-sent: counted once
        st.add(judgment("b", 0, "q1", "hit@1"));
        return st;
    }

    private static void finalExact(EpochState st) {
        st.add(exact("v1", "a", 0, "ndcg@10", 0.75, 2));
        st.add(exact("v1", "a", 0, "hit@1", 0.5, 2));   // not a's primary metric
        st.add(exact("v2", "a", 0, "ndcg@10", 0.625, 2));
        st.add(exact("v1", "b", 0, "hit@1", 1.0, 1));
        st.add(exact("v2", "b", 0, "hit@1", 0.0, 1));
    }

    @Test
    void figuresAreCompleteOnlyWhenEveryTaskIsFinalForBothVersions() {
        EpochState st = twoTasks();
        assertThat(st.queriesPerTask).containsEntry("a", 2).containsEntry("b", 1);
        st.add(exact("v1", "a", 0, "ndcg@10", 0.5, 1));   // running mean over 1 of 2 queries
        st.add(exact("v2", "a", 0, "ndcg@10", 0.625, 2));
        st.add(exact("v1", "b", 0, "hit@1", 1.0, 1));
        st.add(exact("v2", "b", 0, "hit@1", 0.0, 1));
        assertThat(st.figures(0, "v1", "v2", false, false, "-noinst")).isNull();
        st.add(exact("v1", "a", 0, "ndcg@10", 0.75, 2));   // the series' next record replaces the first
        EpochFigures f = st.figures(0, "v1", "v2", false, false, "-noinst");
        assertThat(f).isNotNull();
        assertThat(f.epoch()).isZero();
        assertThat(f.livePrimary()).containsEntry("a", new Figure("ndcg@10", 0.75, 2, 2))
                .containsEntry("b", new Figure("hit@1", 1.0, 1, 1));
        assertThat(f.shadowPrimary()).containsEntry("a", new Figure("ndcg@10", 0.625, 2, 2))
                .containsEntry("b", new Figure("hit@1", 0.0, 1, 1));
        assertThat(f.servedPathOn()).isFalse();   // not waiting and no recall-loss figure: served path off
        assertThat(f.notScored()).isEmpty();
        // other versions are not complete
        assertThat(st.figures(0, "v1", "v3", false, false, "-noinst")).isNull();
    }

    @Test
    void anEpochWaitsForEveryJudgmentItsJudgmentsStateEvenWhenTheFiguresReadLookFinal() {
        // the replayer states the epoch's tasks (a and b) and each task's queries (a: 2) on every judgment
        EpochState st = new EpochState();
        BenchJudgment a1 = judgment("a", 0, "q1", "ndcg@10");
        a1.epochTasks = new String[] {"a", "b"};
        a1.taskQueries = 2;
        st.add(a1);
        st.add(exact("v1", "a", 0, "ndcg@10", 1.0, 1));   // n = 1 = the judged queries read so far
        st.add(exact("v2", "a", 0, "ndcg@10", 1.0, 1));
        assertThat(st.figures(0, "v1", "v2", false, false, "-noinst")).as("a's second judgment, b unread").isNull();
        BenchJudgment a2 = judgment("a", 0, "q2", "ndcg@10");
        a2.epochTasks = new String[] {"a", "b"};
        a2.taskQueries = 2;
        st.add(a2);
        st.add(exact("v1", "a", 0, "ndcg@10", 0.75, 2));
        st.add(exact("v2", "a", 0, "ndcg@10", 0.625, 2));
        assertThat(st.figures(0, "v1", "v2", false, false, "-noinst")).as("task b not judged yet").isNull();
        BenchJudgment b1 = judgment("b", 0, "q1", "hit@1");
        b1.epochTasks = new String[] {"a", "b"};
        b1.taskQueries = 1;
        st.add(b1);
        st.add(exact("v1", "b", 0, "hit@1", 1.0, 1));
        st.add(exact("v2", "b", 0, "hit@1", 0.0, 1));
        EpochFigures f = st.figures(0, "v1", "v2", false, false, "-noinst");
        assertThat(f).isNotNull();
        assertThat(f.livePrimary()).containsOnlyKeys("a", "b");
    }

    @Test
    void aLateJudgmentMakesAFinalLookingFigureRunningAgain() {
        EpochState st = twoTasks();
        finalExact(st);
        assertThat(st.figures(0, "v1", "v2", false, false, "")).isNotNull();
        st.add(judgment("b", 0, "q2", "hit@1"));
        assertThat(st.figures(0, "v1", "v2", false, false, "")).isNull();
    }

    @Test
    void waitingForServedNeedsTheShadowsFinalRecallLossOfEveryTask() {
        EpochState st = twoTasks();
        finalExact(st);
        st.add(recallLoss("v2", "a", 0, 0.0, 2));
        assertThat(st.figures(0, "v1", "v2", true, false, "")).isNull();
        st.add(recallLoss("v2", "b", 0, 0.0, 1));
        st.add(recallLoss("v1", "a", 0, 0.5, 1));   // live's figure is reported, final or not
        EpochFigures f = st.figures(0, "v1", "v2", true, false, "");
        assertThat(f.servedPathOn()).isTrue();
        assertThat(f.shadowRecallLoss()).containsOnlyKeys("a", "b");
        assertThat(f.liveRecallLoss()).containsOnlyKeys("a");
    }

    @Test
    void notWaitingForServedTakesTheRecallLossesThereAre() {
        EpochState st = twoTasks();
        finalExact(st);
        st.add(recallLoss("v2", "a", 0, 0.25, 1));
        EpochFigures f = st.figures(0, "v1", "v2", false, false, "");
        assertThat(f.shadowRecallLoss()).containsOnly(
                java.util.Map.entry("a", new Figure("recall_loss@10", 0.25, 1, 2)));
    }

    @Test
    void aNotScoredTaskDoesNotHoldTheDecisionBack() {
        EpochState st = twoTasks();
        st.add(exact("v1", "a", 0, "ndcg@10", 0.75, 2));
        st.add(exact("v2", "a", 0, "ndcg@10", 0.625, 2));
        st.add(exact("v1", "b", 0, "hit@1", 1.0, 1));   // live scored b, the shadow never will
        assertThat(st.figures(0, "v1", "v2", false, false, "")).isNull();
        st.add(notScored("b", 0, "unsupported modality"));
        EpochFigures f = st.figures(0, "v1", "v2", false, false, "");
        assertThat(f.notScored()).containsEntry("b", "unsupported modality");
        assertThat(f.livePrimary()).containsOnlyKeys("a", "b");
        assertThat(f.shadowPrimary()).containsOnlyKeys("a");
    }

    @Test
    void waitingForBiasNeedsTheAllPairsRowToCountTheNonTwinQueries() {
        EpochState st = twoTasks();
        st.add(judgment("a-noinst", 0, "q1", "ndcg@10"));   // twin: scored, but not counted by the bias job
        finalExact(st);
        st.add(exact("v1", "a-noinst", 0, "ndcg@10", 0.5, 1));
        st.add(exact("v2", "a-noinst", 0, "ndcg@10", 0.5, 1));
        st.add(accuracy("v1", 0, "TEXT", "TEXT", 0.75, 3));
        st.add(accuracy("v2", 0, "TEXT", "TEXT", 0.5, 3));
        st.add(accuracy("v1", 0, null, null, 0.75, 3));
        st.add(accuracy("v2", 0, null, null, 0.5, 2));   // 2 of the 3 non-twin queries (a: 2, b: 1)
        assertThat(st.figures(0, "v1", "v2", false, true, "-noinst")).isNull();
        assertThat(st.figures(0, "v1", "v2", false, false, "-noinst").shadowModalityAccuracy())
                .containsOnlyKeys("TEXT->TEXT");   // not waiting: what there is, the all-pairs row left out
        st.add(accuracy("v2", 0, null, null, 0.5, 3));
        EpochFigures f = st.figures(0, "v1", "v2", false, true, "-noinst");
        assertThat(f.liveModalityAccuracy()).containsOnly(java.util.Map.entry("TEXT->TEXT",
                new Figure("target_modality_accuracy", 0.75, 3, 0)));
    }

    @Test
    void onlyTheSeriesTheGateReadsAreRelevant() {
        assertThat(EpochState.relevant(exact("v1", "a", 0, "ndcg@10", 1, 1))).isTrue();
        assertThat(EpochState.relevant(recallLoss("v1", "a", 0, 0, 1))).isTrue();
        assertThat(EpochState.relevant(notScored("a", 0, "x"))).isTrue();
        assertThat(EpochState.relevant(accuracy("v1", 0, "TEXT", "IMAGE", 1, 1))).isTrue();
        assertThat(EpochState.relevant(accuracy("v1", 0, null, null, 1, 1))).isTrue();
        assertThat(EpochState.relevant(accuracy("v1", 0, "TEXT", null, 1, 1))).isFalse();
        assertThat(EpochState.relevant(GateFixtures.task("v1", "served", "a", 0, "ndcg@10", 1, 1))).isFalse();
        TaskMetric window = exact("v1", "a", 0, "ndcg@10", 1, 1);
        window.epoch = null;
        assertThat(EpochState.relevant(window)).isFalse();
        TaskMetric meta = exact("v1", "a", 0, "ndcg@10", 1, 1);
        meta.scope = "meta_task";
        assertThat(EpochState.relevant(meta)).isFalse();
    }
}
