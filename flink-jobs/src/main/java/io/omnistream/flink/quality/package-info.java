/**
 * Retrieval-quality job, exact path: {@link io.omnistream.flink.quality.RetrievalQualityPipeline} wires benchmark
 * embeddings and judgments into {@link io.omnistream.flink.quality.RetrievalQualityFunction}, which ranks each query by
 * exact cosine and scores it with the {@code metrics} package. Inside the job only Flink POJOs flow
 * ({@link io.omnistream.flink.quality.BenchEmbedding}, {@link io.omnistream.flink.quality.BenchJudgment},
 * {@link io.omnistream.flink.quality.QueryScore}, {@link io.omnistream.flink.quality.TaskMetric}); Avro records are
 * converted at the source and sink boundaries.
 */
package io.omnistream.flink.quality;
