/**
 * Flink DataStream jobs: retrieval quality on the replayed benchmark, exact and served paths
 * ({@link io.omnistream.flink.quality.job.RetrievalQualityJob}, metrics library in
 * {@link io.omnistream.flink.quality.metrics}, VLM2Vec/MMEB conventions), and modality bias with drift detection
 * ({@link io.omnistream.flink.bias.job.ModalityBiasJob}, detectors in {@link io.omnistream.flink.drift}). Kafka
 * readers and writers are in {@link io.omnistream.flink.kafka}, launch plumbing shared by the jobs in
 * {@link io.omnistream.flink.launch}.
 */
package io.omnistream.flink;
