/**
 * The live quality page of the quality plane (standalone service or embedded stack): {@link io.omnistream.quality.web.QualityPageServer} serves a single
 * page (HTML, script and CSS from the jar's {@code omnistream-web/} folder; hand-drawn SVG charts, no external
 * assets) and its JSON API, built by {@link io.omnistream.quality.web.QualityPageJson} from the plane's in-memory
 * views: quality and bias metrics ({@code QualityMetricsView}), active drift alerts ({@code ActiveDriftAlerts}) and
 * throughput and lag ({@code PipelineMonitor}).
 */
package io.omnistream.quality.web;

