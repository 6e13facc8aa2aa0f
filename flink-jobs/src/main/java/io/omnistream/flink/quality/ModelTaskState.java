package io.omnistream.flink.quality;

/**
 * Bookkeeping of one model version within one (task, epoch) of {@link RetrievalQualityFunction}: how many candidate
 * vectors arrived and filters that decide when waiting queries must be re-checked. A Flink POJO (public fields, no-arg
 * constructor) so that it is serialized by the PojoSerializer and not by Kryo.
 */
public class ModelTaskState {
    public String modelId;
    public String modelVersion;
    /** Distinct candidate vectors received for this model in this (task, epoch). */
    public int candidateVectors;
    /** Upper bound of the LOCAL queries waiting for candidates (a filter for re-checks; exact after a re-check). */
    public int pendingLocal;
    /** Lower bound of the candidateCount of GLOBAL queries waiting for candidates; MAX_VALUE if none. */
    public int minPendingGlobal = Integer.MAX_VALUE;

    public ModelTaskState() {
    }

    public ModelTaskState(String modelId, String modelVersion) {
        this.modelId = modelId;
        this.modelVersion = modelVersion;
    }
}
