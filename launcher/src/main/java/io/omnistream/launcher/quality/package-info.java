/**
 * Retrieval quality as the rest of the platform sees it: {@link io.omnistream.launcher.kafka.AvroTopicReader}
 * reads the Flink jobs' {@code quality.metrics.v1} records into a
 * {@link io.omnistream.launcher.quality.QualityMetricsView} (latest value per series, bounded),
 * {@link io.omnistream.launcher.quality.QualityPrometheus} exposes its newest epoch as gauges, and
 * {@link io.omnistream.launcher.quality.ReplayReport} writes the {@code ./omnistream replay} report from it.
 */
package io.omnistream.launcher.quality;
