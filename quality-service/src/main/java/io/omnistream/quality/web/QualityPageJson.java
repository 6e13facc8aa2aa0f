package io.omnistream.quality.web;

import static io.omnistream.schemas.quality.QualityVocabulary.NOT_SCORED;
import static io.omnistream.schemas.quality.QualityVocabulary.PATH_EXACT;
import static io.omnistream.schemas.quality.QualityVocabulary.SCOPE_TASK;
import static io.omnistream.schemas.quality.QualityVocabulary.SCOPE_WINDOW;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omnistream.quality.metrics.PipelineMonitor;
import io.omnistream.quality.view.QualityMetricNames;
import io.omnistream.schemas.avro.DriftAlert;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.avro.RetrievalMetric;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The JSON documents of the live quality page's API, built from the stack's in-memory views. Pure functions of their
 * inputs (no I/O), so the shapes below are what the page's script and the tests rely on. Non-finite numbers are
 * written as null (JSON has no NaN).
 *
 * <pre>
 * /api/quality  {"tasks": [{"task", "modelVersion", "primaryMetric", "series": [{"metric", "path", "modelVersion", "by",
 *                 "points": [...]}], "notScored": [{"epoch", "deadLettered", "reason"}]}]}
 * /api/bias     {"groups": [{"metric", "group", "scope", "modelVersion", "windowEndMs",
 *                 "cells": [{"queryModality", "targetModality", "value", "n", "epoch", "windowStartMs", "windowEndMs"}]}]}
 * /api/alerts   {"activeForMs", "alerts": [{"alertId", "metric", "modelVersion", "detector", "statistic", "threshold",
 *                 "direction", "labels", "windowStartMs", "windowEndMs", "referenceStartMs", "referenceEndMs", "raisedAtMs"}]}
 * /api/pipeline {"sampledAtMs", "intervalMs", "encoderEventsTotal": {outcome: n}, "encoderEventsPerSecond":
 *                 {outcome: r, "total": r}, "consumerLag": [{"group", "topic", "records"}], "lagError"}
 * </pre>
 */
public final class QualityPageJson {
    /** A RetrievalMetric is bias data when its scope contains this ("modality_bias", "bias", "bias_window", ...). */
    public static final String BIAS_SCOPE_MARK = "bias";
    /** Series kinds of /api/quality: task scope by epoch, window scope by event-time window. */
    public static final String BY_EPOCH = "epoch";
    public static final String BY_WINDOW = "window";
    /** The metric the page charts per task when the task has it. */
    public static final String DEFAULT_PRIMARY_METRIC = QualityVocabulary.NDCG_AT_10;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Newest last: by window end, then emission time. */
    private static final Comparator<RetrievalMetric> OLDEST_FIRST = Comparator
            .comparingLong(RetrievalMetric::getWindowEndMs).thenComparingLong(RetrievalMetric::getEmittedAtMs);

    private QualityPageJson() {}

    public static boolean isBias(RetrievalMetric m) {
        return m.getScope() != null && m.getScope().contains(BIAS_SCOPE_MARK);
    }

    /**
     * Per task (sorted by id), the quality series: scope task records with an epoch ({@code "by": "epoch"}, points
     * {@code {"epoch", "value", "n", "emittedAtMs"}} sorted by epoch) and scope window records ({@code "by":
     * "window"}, points {@code {"windowStartMs", "windowEndMs", "value", "n"}} sorted by start). Series are in
     * {@link QualityMetricNames#reportOrder report order} of their metric, then path (exact first), model version,
     * kind. {@code modelVersion} of a task is the version with the newest emission among its series (the one the page
     * draws). not_scored records are listed apart, newest epoch first. Other scopes are not part of it.
     */
    public static ObjectNode quality(List<RetrievalMetric> records) {
        Map<String, List<RetrievalMetric>> byTask = new TreeMap<>();
        for (RetrievalMetric m : records) {
            boolean taskEpoch = SCOPE_TASK.equals(m.getScope()) && m.getEpoch() != null;
            boolean window = SCOPE_WINDOW.equals(m.getScope());
            if ((taskEpoch || window) && m.getTaskId() != null) {
                byTask.computeIfAbsent(m.getTaskId(), t -> new ArrayList<>()).add(m);
            }
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode tasks = root.putArray("tasks");
        byTask.forEach((task, metrics) -> tasks.add(task(task, metrics)));
        return root;
    }

    private record SeriesKey(String metric, String path, String modelVersion, String by) {}

    private static ObjectNode task(String taskId, List<RetrievalMetric> records) {
        List<RetrievalMetric> notScored = records.stream().filter(m -> NOT_SCORED.equals(m.getMetric())).toList();
        List<RetrievalMetric> scored = records.stream().filter(m -> !NOT_SCORED.equals(m.getMetric())).toList();

        Map<SeriesKey, List<RetrievalMetric>> series = scored.stream().collect(Collectors.groupingBy(m -> new SeriesKey(
                m.getMetric(), m.getPath(), m.getModelVersion(), SCOPE_WINDOW.equals(m.getScope()) ? BY_WINDOW : BY_EPOCH)));
        List<String> metricOrder = QualityMetricNames.reportOrder(
                series.keySet().stream().map(SeriesKey::metric).collect(Collectors.toSet()));
        List<SeriesKey> keys = new ArrayList<>(series.keySet());
        keys.sort(Comparator.comparingInt((SeriesKey k) -> metricOrder.indexOf(k.metric()))
                .thenComparing(k -> PATH_EXACT.equals(k.path()) ? "" : k.path())
                .thenComparing(SeriesKey::modelVersion)
                .thenComparing(SeriesKey::by));

        ObjectNode node = JSON.createObjectNode();
        node.put("task", taskId);
        node.put("primaryMetric", primaryMetric(metricOrder));
        node.put("modelVersion", scored.stream().max(Comparator.comparingLong(RetrievalMetric::getEmittedAtMs)
                .thenComparing(RetrievalMetric::getModelVersion)).map(RetrievalMetric::getModelVersion).orElse(null));
        ArrayNode seriesArray = node.putArray("series");
        for (SeriesKey key : keys) {
            ObjectNode s = seriesArray.addObject();
            s.put("metric", key.metric());
            s.put("path", key.path());
            s.put("modelVersion", key.modelVersion());
            s.put("by", key.by());
            ArrayNode points = s.putArray("points");
            List<RetrievalMetric> values = new ArrayList<>(series.get(key));
            if (BY_EPOCH.equals(key.by())) {
                values.sort(Comparator.comparingInt(RetrievalMetric::getEpoch));
                for (RetrievalMetric m : values) {
                    ObjectNode p = points.addObject().put("epoch", m.getEpoch());
                    number(p, "value", m.getValue());
                    p.put("n", m.getN()).put("emittedAtMs", m.getEmittedAtMs());
                }
            } else {
                values.sort(Comparator.comparingLong(RetrievalMetric::getWindowStartMs));
                for (RetrievalMetric m : values) {
                    ObjectNode p = points.addObject()
                            .put("windowStartMs", m.getWindowStartMs()).put("windowEndMs", m.getWindowEndMs());
                    number(p, "value", m.getValue());
                    p.put("n", m.getN());
                }
            }
        }
        ArrayNode ns = node.putArray("notScored");
        notScored.stream().sorted(Comparator.comparing(RetrievalMetric::getEpoch, Comparator.reverseOrder()))
                .forEach(m -> ns.addObject().put("epoch", m.getEpoch()).put("deadLettered", Math.round(m.getValue()))
                        .put("reason", m.getDetail() == null ? "" : m.getDetail()));
        return node;
    }

    /**
     * The metric the page charts for a task: {@value #DEFAULT_PRIMARY_METRIC} when the task has it, else the first of
     * its metrics in report order (null when it has none). RetrievalMetric records do not carry the task's
     * {@code Judgment.primaryMetric}, so what a task is judged by is read from what its records contain.
     */
    static String primaryMetric(List<String> metricsInReportOrder) {
        return metricsInReportOrder.contains(DEFAULT_PRIMARY_METRIC) ? DEFAULT_PRIMARY_METRIC
                : metricsInReportOrder.isEmpty() ? null : metricsInReportOrder.get(0);
    }

    /**
     * The bias metrics (records whose scope contains {@value #BIAS_SCOPE_MARK}), one group per (metric, task or
     * meta task or "all"), sorted by metric then group. Per group only the model version with the newest emission
     * is shown, and per cell (query modality × target or result modality; null = all) its newest record (latest
     * window end, then emission). Each cell carries its own window; {@code windowEndMs} of the group is the newest.
     */
    public static ObjectNode bias(List<RetrievalMetric> records) {
        Map<List<String>, List<RetrievalMetric>> groups = new TreeMap<>(Comparator
                .comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)));
        for (RetrievalMetric m : records) {
            if (isBias(m)) {
                groups.computeIfAbsent(List.of(m.getMetric(), biasGroup(m)), k -> new ArrayList<>()).add(m);
            }
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode out = root.putArray("groups");
        groups.forEach((key, metrics) -> {
            RetrievalMetric newest = metrics.stream().max(Comparator.comparingLong(RetrievalMetric::getEmittedAtMs)
                    .thenComparing(RetrievalMetric::getModelVersion)).orElseThrow();
            Map<List<Object>, RetrievalMetric> cells = new LinkedHashMap<>();
            metrics.stream().filter(m -> m.getModelVersion().equals(newest.getModelVersion())).sorted(OLDEST_FIRST)
                    .forEach(m -> cells.put(Arrays.asList(m.getQueryModality(), m.getTargetModality()), m));
            ObjectNode g = out.addObject();
            g.put("metric", key.get(0));
            g.put("group", key.get(1));
            g.put("scope", newest.getScope());
            g.put("modelVersion", newest.getModelVersion());
            g.put("windowEndMs", cells.values().stream().mapToLong(RetrievalMetric::getWindowEndMs).max().orElse(0));
            ArrayNode cellArray = g.putArray("cells");
            cells.values().stream()
                    .sorted(Comparator.comparing(RetrievalMetric::getQueryModality, Comparator.nullsFirst(Comparator.<Modality>naturalOrder()))
                            .thenComparing(RetrievalMetric::getTargetModality, Comparator.nullsFirst(Comparator.<Modality>naturalOrder())))
                    .forEach(m -> {
                        ObjectNode c = cellArray.addObject();
                        c.put("queryModality", name(m.getQueryModality()));
                        c.put("targetModality", name(m.getTargetModality()));
                        number(c, "value", m.getValue());
                        c.put("n", m.getN());
                        if (m.getEpoch() == null) {
                            c.putNull("epoch");
                        } else {
                            c.put("epoch", m.getEpoch());
                        }
                        c.put("windowStartMs", m.getWindowStartMs()).put("windowEndMs", m.getWindowEndMs());
                    });
        });
        return root;
    }

    private static String biasGroup(RetrievalMetric m) {
        return m.getTaskId() != null ? m.getTaskId() : m.getMetaTask() != null ? m.getMetaTask() : "all";
    }

    private static String name(Modality modality) {
        return modality == null ? null : modality.name();
    }

    /** The active alerts (already filtered and ordered by {@code ActiveDriftAlerts}), with their window. */
    public static ObjectNode alerts(List<DriftAlert> active, long activeForMs) {
        ObjectNode root = JSON.createObjectNode();
        root.put("activeForMs", activeForMs);
        ArrayNode out = root.putArray("alerts");
        for (DriftAlert a : active) {
            ObjectNode n = out.addObject();
            n.put("alertId", a.getAlertId());
            n.put("metric", a.getMetric());
            n.put("modelVersion", a.getModelVersion());
            n.put("detector", a.getDetector());
            number(n, "statistic", a.getStatistic());
            number(n, "threshold", a.getThreshold());
            n.put("direction", a.getDirection());
            ObjectNode labels = n.putObject("labels");
            new TreeMap<>(a.getLabels()).forEach(labels::put);
            n.put("windowStartMs", a.getWindowStartMs());
            n.put("windowEndMs", a.getWindowEndMs());
            n.put("referenceStartMs", a.getReferenceStartMs());
            n.put("referenceEndMs", a.getReferenceEndMs());
            n.put("raisedAtMs", a.getRaisedAtMs());
        }
        return root;
    }

    /** One pipeline sample. */
    public static ObjectNode pipeline(PipelineMonitor.Sample sample, long intervalMs) {
        Objects.requireNonNull(sample, "sample");
        ObjectNode root = JSON.createObjectNode();
        root.put("sampledAtMs", sample.sampledAtMs());
        root.put("intervalMs", intervalMs);
        ObjectNode totals = root.putObject("encoderEventsTotal");
        sample.encoderEventsTotal().forEach((k, v) -> number(totals, k, v));
        ObjectNode rates = root.putObject("encoderEventsPerSecond");
        sample.encoderEventsPerSecond().forEach((k, v) -> number(rates, k, v));
        ArrayNode lag = root.putArray("consumerLag");
        for (PipelineMonitor.Lag l : sample.lag()) {
            lag.addObject().put("group", l.group()).put("topic", l.topic()).put("records", l.records());
        }
        root.put("lagError", sample.lagError());
        return root;
    }

    private static void number(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

}
