/**
 * Change detection on the quality and bias series: sequential detectors for the level of a series
 * ({@link io.omnistream.flink.drift.PageHinkley}, {@link io.omnistream.flink.drift.Cusum}, both two-sided, returning
 * a {@link io.omnistream.flink.drift.Detection} per sample) and a two-sample Kolmogorov-Smirnov test
 * ({@link io.omnistream.flink.drift.KolmogorovSmirnov}) for similarity-score distributions of a current window against
 * a reference window, kept at bounded memory as {@link io.omnistream.flink.drift.ScoreHistogram}s. Plain Java; the
 * stateful classes are Flink POJOs. An alarm maps onto a {@code DriftAlert} record (detector, statistic, threshold,
 * direction).
 */
package io.omnistream.flink.drift;
