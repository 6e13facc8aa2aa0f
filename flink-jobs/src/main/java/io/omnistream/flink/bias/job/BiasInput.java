package io.omnistream.flink.bias.job;

import io.omnistream.flink.quality.BenchEmbedding;
import io.omnistream.flink.quality.BenchJudgment;
import io.omnistream.schemas.avro.QueryRanking;
import io.omnistream.schemas.avro.RankedCandidate;
import java.util.List;

/**
 * One input of the modality-bias join, a Flink POJO: a benchmark embedding, a judgment or an exact-path ranking (the
 * three Kafka inputs are unioned into one keyed stream, keyed by (task, epoch), so that one operator sees all three).
 * Exactly one of {@link #embedding}, {@link #judgment} or the ranking fields is set, as {@link #kind} says.
 */
public class BiasInput {
    public static final String EMBEDDING = "embedding";
    public static final String JUDGMENT = "judgment";
    public static final String RANKING = "ranking";
    /** The bias metrics use the first 10 ranks only; a ranking keeps no more. */
    public static final int TOP = 10;

    public String kind;
    public String taskId;
    public int epoch;
    public BenchEmbedding embedding;
    public BenchJudgment judgment;
    // ranking fields
    public String modelId;
    public String modelVersion;
    public String queryItemId;
    public String[] topIds;
    public double[] topScores;
    public long eventTimeMs;

    public BiasInput() {
    }

    public static BiasInput of(BenchEmbedding e) {
        BiasInput in = new BiasInput();
        in.kind = EMBEDDING;
        in.taskId = e.taskId;
        in.epoch = e.epoch;
        in.embedding = e;
        return in;
    }

    public static BiasInput of(BenchJudgment j) {
        BiasInput in = new BiasInput();
        in.kind = JUDGMENT;
        in.taskId = j.taskId;
        in.epoch = j.epoch;
        in.judgment = j;
        return in;
    }

    /** An exact-path ranking, cut to the top {@link #TOP}. */
    public static BiasInput of(QueryRanking r) {
        BiasInput in = new BiasInput();
        in.kind = RANKING;
        in.taskId = r.getTaskId();
        in.epoch = r.getEpoch();
        in.modelId = r.getModelId();
        in.modelVersion = r.getModelVersion();
        in.queryItemId = r.getQueryItemId();
        List<RankedCandidate> ranked = r.getRanked();
        int n = Math.min(TOP, ranked.size());
        in.topIds = new String[n];
        in.topScores = new double[n];
        for (int i = 0; i < n; i++) {
            in.topIds[i] = ranked.get(i).getCandidateItemId();
            in.topScores[i] = ranked.get(i).getScore();
        }
        in.eventTimeMs = r.getEventTimeMs();
        return in;
    }

    /** The join key: task and epoch. */
    public static String key(BiasInput in) {
        return in.taskId + "\u0000" + in.epoch;
    }
}
