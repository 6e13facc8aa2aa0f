/**
 * The {@code ./omnistream replay} report and its exports, taken from the quality plane's read model
 * ({@link io.omnistream.quality.view.QualityMetricsView}, filled by the quality-service module's topic readers):
 * {@link io.omnistream.launcher.report.ReplayReport}, {@link io.omnistream.launcher.report.BiasReport},
 * centroid and ranking exports.
 */
package io.omnistream.launcher.report;
