/**
 * Ranking metrics for one query and their aggregation over queries and tasks; plain Java, no Flink types, so the
 * retrieval-quality job, its tests and offline tools all share one definition.
 *
 * <h2>Where the conventions come from</h2>
 * The per-query formulas match {@code RankingMetrics} in <b>TIGER-AI-Lab/VLM2Vec</b>,
 * {@code src/eval_utils/metrics.py} (read at commit {@code 6ac33bb7e3049a0054a5952090f02ee5348fc4ed}), which
 * {@code eval.py} of the same repository uses to score MMEB-V1/V2 tasks:
 * <ul>
 *   <li>{@code hit@k}: 1 if at least one relevant item is in the top {@code k}, else 0.</li>
 *   <li>{@code recall@k}: relevant items in the top {@code k} divided by <em>all</em> relevant items of the query
 *       (also those missing from the ranked list).</li>
 *   <li>{@code mrr@k}: {@code 1/rank} of the first relevant item within the top {@code k}, else 0.</li>
 *   <li>{@code ndcg@k}: DCG over the top {@code k} with discount {@code 1/log2(rank + 1)} (rank 1-based), divided by
 *       the ideal DCG of the query's judged relevance grades sorted descending and cut at {@code k}. VLM2Vec reports
 *       two gains: {@code ndcg_linear@k} (gain = relevance), here {@code ndcg@k}, and {@code ndcg_exponential@k}
 *       (gain = {@code 2^rel - 1}), here {@code ndcg_exp@k}. This is also pytrec_eval/BEIR's {@code ndcg_cut_k}
 *       (linear gain).</li>
 *   <li>A query without relevant items: {@code hit}, {@code mrr} and both NDCGs are 0 and {@code recall} is
 *       <b>1.0</b> (VLM2Vec's {@code recall_at_k} returns 1.0 when the label list is empty); see
 *       {@link io.omnistream.flink.quality.metrics.QueryMetrics}.</li>
 * </ul>
 * Task scores are plain means over queries ({@code np.mean} in VLM2Vec); MMEB's meta-task and overall scores are the
 * unweighted mean of task scores ({@link io.omnistream.flink.quality.metrics.MacroAverage}).
 *
 * <h2>Where we differ or had to choose</h2>
 * <ul>
 *   <li><b>Relevant means relevance &gt; 0.</b> VLM2Vec counts every listed label as relevant for hit/recall/mrr
 *       even if its {@code rel_scores} entry is 0; our {@code Judgment.gold} schema defines relevance &gt; 0 as
 *       relevant, and a judged-0 item is non-relevant everywhere (as in trec_eval).</li>
 *   <li><b>Ties.</b> VLM2Vec ranks with {@code np.argsort(-scores)} / {@code torch.argsort}, which defines no order
 *       among equal scores. We use trec_eval's rule ({@code comp_sim_docno} in {@code form_res_rels.c},
 *       usnistgov/trec_eval): score descending, then candidate id <em>descending</em>; see
 *       {@link io.omnistream.flink.quality.metrics.RankedList}.</li>
 * </ul>
 */
package io.omnistream.flink.quality.metrics;
