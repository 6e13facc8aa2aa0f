/**
 * Flink DataStream jobs: retrieval quality (exact and served paths), modality bias and drift detection.
 *
 * <p>So far this module holds the ranking-metrics library the retrieval-quality job will use
 * ({@link io.omnistream.flink.quality.metrics}, plain Java, VLM2Vec/MMEB conventions); the jobs themselves come with
 * the benchmark-replay / retrieval-quality issue.
 */
package io.omnistream.flink;
