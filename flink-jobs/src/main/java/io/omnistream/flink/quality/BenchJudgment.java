package io.omnistream.flink.quality;

import io.omnistream.schemas.avro.GradedCandidate;
import io.omnistream.schemas.avro.Judgment;
import io.omnistream.flink.quality.metrics.Judgments;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Judgment} as a Flink POJO (see {@link BenchEmbedding} for why Avro classes are not used inside the job).
 * Lists are stored as arrays so that every field has a native Flink serializer (no Kryo fallback).
 */
public class BenchJudgment {
    public String taskId;
    public String queryItemId;
    public int epoch;
    public String metaTask;
    public String queryModality;
    public String targetModality;
    public String primaryMetric;
    /** Candidates the query is ranked against: the task pool size (GLOBAL) or the length of candidateIds (LOCAL). */
    public int candidateCount;
    /** The task's number of queries in this epoch; 0 = not stated (an older replayer). */
    public int taskQueries;
    /** Every task replayed in this epoch; empty = not stated. */
    public String[] epochTasks = new String[0];
    /** The query's own candidate list (LOCAL ranking); {@code null} = the task's whole pool (GLOBAL). */
    public String[] candidateIds;
    /** Gold candidate ids, parallel to {@link #goldRelevance}. */
    public String[] goldIds;
    public int[] goldRelevance;

    public BenchJudgment() {
    }

    public static BenchJudgment fromAvro(Judgment j) {
        BenchJudgment out = new BenchJudgment();
        out.taskId = j.getTaskId();
        out.queryItemId = j.getQueryItemId();
        out.epoch = j.getEpoch();
        out.metaTask = j.getMetaTask();
        out.queryModality = j.getQueryModality().name();
        out.targetModality = j.getTargetModality().name();
        out.primaryMetric = j.getPrimaryMetric();
        out.candidateCount = j.getCandidateCount();
        List<String> ids = j.getCandidateIds();
        out.candidateIds = ids == null ? null : ids.toArray(new String[0]);
        out.taskQueries = j.getTaskQueries();
        out.epochTasks = j.getEpochTasks().stream().map(CharSequence::toString).toArray(String[]::new);
        List<GradedCandidate> gold = j.getGold();
        out.goldIds = new String[gold.size()];
        out.goldRelevance = new int[gold.size()];
        for (int i = 0; i < gold.size(); i++) {
            out.goldIds[i] = gold.get(i).getCandidateItemId();
            out.goldRelevance[i] = gold.get(i).getRelevance();
        }
        return out;
    }

    /** GLOBAL ranking (against the task's whole candidate pool) when {@code candidateIds} is null. */
    public boolean isGlobal() {
        return candidateIds == null;
    }

    /** The graded judgments; a gold id listed twice keeps its highest grade. */
    public Judgments judgments() {
        Map<String, Integer> grades = new HashMap<>();
        for (int i = 0; i < goldIds.length; i++) {
            grades.merge(goldIds[i], goldRelevance[i], Math::max);
        }
        return Judgments.of(grades);
    }

    @Override
    public String toString() {
        return "BenchJudgment{" + taskId + "#" + epoch + " " + queryItemId + (isGlobal() ? " GLOBAL " : " LOCAL ")
                + candidateCount + "}";
    }
}
