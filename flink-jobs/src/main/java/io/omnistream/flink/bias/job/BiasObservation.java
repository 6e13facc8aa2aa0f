package io.omnistream.flink.bias.job;

import io.omnistream.flink.bias.BiasQuery;

/**
 * What the join hands to the per-model-version bias accumulators, a Flink POJO: either one ranked query with the
 * modalities of its results and gold ({@link #QUERY}), or one benchmark candidate vector ({@link #CANDIDATE}) for the
 * epoch's modality centroids (the direction of {@code instruction_shift_cosine}).
 */
public class BiasObservation {
    public static final String QUERY = "query";
    public static final String CANDIDATE = "candidate";

    public String kind;
    public String modelId;
    public String modelVersion;
    /** The task as replayed (e.g. {@code scifact-mixed-noinst}). */
    public String taskId;
    public int epoch;
    public long eventTimeMs;
    /** Query: the query's embedding modality; candidate: the candidate's. */
    public String modality;
    /** Query: its embedding; candidate: the candidate vector. */
    public float[] vector;
    // query fields
    public String queryItemId;
    public String targetModality;
    public String[] goldIds;
    public String[] goldModalities;
    public String[] resultIds;
    public String[] resultModalities;
    public double[] resultScores;

    public BiasObservation() {
    }

    /**
     * The accumulator input of a query observation.
     *
     * @param queryId            the pairing id (a query emitted with and without its instruction shares it)
     * @param instructionApplied false for the instruction-free twin task
     */
    public BiasQuery toBiasQuery(String queryId, boolean instructionApplied) {
        BiasQuery.Builder b = BiasQuery.builder(queryId, modality).targetModality(targetModality)
                .instructionApplied(instructionApplied).queryVector(vector);
        for (int i = 0; i < goldIds.length; i++) {
            b.gold(goldIds[i], goldModalities[i]);
        }
        for (int i = 0; i < resultIds.length; i++) {
            b.result(resultIds[i], resultModalities[i], resultScores[i]);
        }
        return b.build();
    }
}
