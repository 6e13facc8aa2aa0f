package io.omnistream.schemas;

import java.util.Locale;

/** Default topic names (architecture.md). Every service takes its topic names from its config; these are the defaults. */
public final class Topics {
    public static final String MEDIA_EVENTS = "media.events.v1";
    public static final String DLQ = "media.dlq.v1";
    /**
     * The redrive ledger: one record per dead letter republished by {@code ./omnistream dlq redrive} (key = the
     * letter's {@code topic/partition/offset}, value = its key), compacted; what makes a second redrive a no-op.
     */
    public static final String DLQ_REDRIVE_LEDGER = "media.dlq.redriven.v1";
    public static final String JUDGMENTS = "bench.judgments.v1";
    public static final String QUALITY_METRICS = "quality.metrics.v1";
    public static final String QUALITY_ALERTS = "quality.alerts.v1";
    /** Per-query rankings of the retrieval-quality job (QueryRanking), for --export-rankings and debugging. */
    public static final String QUALITY_RANKINGS = "quality.rankings.v1";
    /**
     * Deployment state (Deployment, key = deployment name, compacted): which model version serves, which one is being
     * shadow-filled, which one is kept for rollback. Consumers of embeddings follow its {@code live.embeddingTopic}.
     */
    public static final String DEPLOYMENTS = "omnistream.deployments.v1";
    /** Quality-gate verdicts of upgrades (GateDecision, key = deployment name, compacted). */
    public static final String UPGRADE_GATE = "upgrade.gate.v1";

    private Topics() {}

    /**
     * Embedding topic of one model: {@code embeddings.<model>.v1}. The model id is lower-cased and every character
     * Kafka does not allow in topic names becomes '-', so "BGE-small-en-v1.5" gives "embeddings.bge-small-en-v1.5.v1".
     */
    public static String embeddings(String modelId) {
        return "embeddings." + modelId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-") + ".v1";
    }
}
