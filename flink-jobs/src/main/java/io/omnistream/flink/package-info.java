/**
 * Flink DataStream jobs: retrieval quality (exact and served paths), modality bias and drift detection.
 *
 * <p>Empty until the benchmark-replay / retrieval-quality issue; the module exists so the layout of
 * {@code architecture.md} holds from the start.
 */
package io.omnistream.flink;
