/**
 * Modality-bias metrics on mixed-modality retrieval (MMEB-V3 / OmniSET style: the candidate pool holds every modality
 * version of every item, the instruction names the target modality, the gold target is the item in that modality);
 * plain Java, no Flink API, so the Flink job, its tests and offline tools share one definition. Background: research
 * notes §3.
 *
 * <ul>
 *   <li>{@link io.omnistream.flink.bias.BiasMetricNames}: the metric names and their exact definitions.</li>
 *   <li>{@link io.omnistream.flink.bias.BiasQuery}: one query (modalities, instruction condition, gold ids with
 *       modality, ranked results, query vector), ranked with the quality job's tie rule.</li>
 *   <li>{@link io.omnistream.flink.bias.ModalityBiasAccumulator}: target-modality accuracy, top-k modality shares,
 *       query-modality bias, hit@1 per modality pair and asymmetry, instruction effect (pairs the two emissions of a
 *       query by id). Flink POJO state.</li>
 *   <li>{@link io.omnistream.flink.bias.ModalityCentroids}: modality gap from running per-modality sums (centroid
 *       distances, within/cross mean cosine). Flink POJO state.</li>
 *   <li>The Flink wiring is in {@code io.omnistream.flink.bias.job} ({@code ModalityBiasJob}). Mean-centring
 *       ("closing the modality gap") is an encoder post-processing step ({@code io.omnistream.encoder.postprocess}),
 *       not part of this job.</li>
 * </ul>
 *
 * <h2>Conventions shared with {@code io.omnistream.flink.quality.metrics}</h2>
 * Ranks are 1-based; top-k is the first {@code min(k, size)} results; ties are broken by candidate id descending
 * (trec_eval's rule, {@link io.omnistream.flink.quality.metrics.RankedList#RANK_ORDER}); hit@1 is 1 when the top
 * result is gold, and a query without results is a miss. Unlike the quality metrics, gold here is binary (any gold id
 * is relevant).
 */
package io.omnistream.flink.bias;
