package io.omnistream.flink.quality;

import io.omnistream.flink.quality.metrics.MetricName;
import io.omnistream.schemas.quality.QualityVocabulary;

/**
 * The metrics of one query scored on one path, with the top of its ranking (for {@code --export-rankings} and the
 * served-vs-exact overlap). Flink POJO.
 */
public class QueryScore {
    /** How many ranked candidates {@link #topIds}/{@link #topScores} keep. */
    public static final int TOP_N = 100;

    /** {@link #QualityVocabulary.PATH_EXACT} (brute-force cosine over the task's candidates in Flink state) or {@link #QualityVocabulary.PATH_SERVED} (Milvus). */
    public String path;
    public String modelId;
    public String modelVersion;
    public String taskId;
    public String metaTask;
    public String queryModality;
    public String targetModality;
    public int epoch;
    public String queryItemId;
    /** Event time of the query's embedding (ms since epoch); the timestamp of event-time windows. */
    public long eventTimeMs;
    /** Number of candidates the query was ranked against (the served path: against which it was searched). */
    public int candidateCount;
    /** Whether the judgments had a relevant item (see {@code QueryMetrics}). */
    public boolean hasRelevant;
    /** The 11 metric values indexed by {@link MetricName#ordinal()}. */
    public double[] values;
    /** Candidate ids of ranks 1..min(TOP_N, ranked), best first. */
    public String[] topIds;
    /** Cosine scores parallel to {@link #topIds}. */
    public double[] topScores;
    /**
     * Only on exact scores that still have to be searched on the served path: the query vector and its judgment.
     * Null otherwise (the served path clears them; they are not needed downstream).
     */
    public float[] queryVector;
    public BenchJudgment judgment;

    public QueryScore() {
    }

    public double value(MetricName name) {
        return values[name.ordinal()];
    }

    @Override
    public String toString() {
        return "QueryScore{" + path + " " + modelId + "/" + modelVersion + " " + taskId + "#" + epoch + " "
                + queryItemId + "}";
    }
}
