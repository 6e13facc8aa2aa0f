package io.omnistream.launcher.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omnistream.quality.metrics.BiasPrometheus;
import io.omnistream.quality.view.QualityMetricsView;
import io.omnistream.schemas.avro.RetrievalMetric;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code "bias"} part of the replay report, from the bias job's records in a {@link QualityMetricsView}: per model
 * version,
 * <pre>
 * {"epoch": e,
 *  "all_tasks": {metric: {"Q->R": value, ...}, ...},       scope modality_bias, task null, epoch e
 *  "tasks": {task: {metric: {"Q->R": value}}},              scope modality_bias per task, epoch e
 *  "modality_gap": {metric: {"A->B": value}}}               scope modality_gap, newest window
 * </pre>
 * with {@code e} the newest epoch of that version's bias records (the report's last epoch once the job caught up).
 * A modality the row has none of is "*" (e.g. {@code "*->*"} is target-modality accuracy over all queries). Metric
 * names and definitions: {@code io.omnistream.flink.bias.BiasMetricNames}.
 */
public final class BiasReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BiasReport() {}

    /** The "bias" node (empty when the view has no bias records). */
    public static ObjectNode of(QualityMetricsView view) {
        List<RetrievalMetric> records = view.latest().stream()
                .filter(m -> BiasPrometheus.SCOPES.contains(m.getScope())).toList();
        ObjectNode bias = JSON.createObjectNode();
        Map<String, List<RetrievalMetric>> byVersion = records.stream()
                .collect(Collectors.groupingBy(RetrievalMetric::getModelVersion, TreeMap::new, Collectors.toList()));
        byVersion.forEach((version, rows) -> {
            ObjectNode v = bias.putObject(version);
            int epoch = rows.stream().filter(m -> m.getEpoch() != null).mapToInt(RetrievalMetric::getEpoch).max()
                    .orElse(-1);
            if (epoch >= 0) {
                v.put("epoch", epoch);
            }
            ObjectNode all = v.putObject("all_tasks");
            ObjectNode tasks = v.putObject("tasks");
            rows.stream().filter(m -> QualityVocabulary.SCOPE_MODALITY_BIAS.equals(m.getScope()) && m.getEpoch() != null
                            && m.getEpoch() == epoch)
                    .sorted(Comparator.comparing(m -> m.getTaskId() == null ? "" : m.getTaskId()))
                    .forEach(m -> {
                        ObjectNode target = m.getTaskId() == null ? all : child(tasks, m.getTaskId());
                        child(target, m.getMetric()).put(pair(m), m.getValue());
                    });
            ObjectNode gap = v.putObject(QualityVocabulary.SCOPE_MODALITY_GAP);
            long newestWindow = rows.stream().filter(m -> QualityVocabulary.SCOPE_MODALITY_GAP.equals(m.getScope()))
                    .mapToLong(RetrievalMetric::getWindowStartMs).max().orElse(Long.MIN_VALUE);
            rows.stream().filter(m -> QualityVocabulary.SCOPE_MODALITY_GAP.equals(m.getScope()) && m.getWindowStartMs() == newestWindow)
                    .forEach(m -> child(gap, m.getMetric()).put(pair(m), m.getValue()));
        });
        return bias;
    }

    /**
     * Waits until the view holds bias records of {@code epoch} for every model version it has bias records of and
     * their count stayed the same for {@code quiet} (the job emits running values every {@code bias.emit-interval}),
     * or {@code timeout} passed. Returns whether it settled.
     */
    public static boolean awaitSettled(QualityMetricsView view, int epoch, Duration quiet, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastSignature = Long.MIN_VALUE;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long signature = 0;
            boolean any = false;
            for (RetrievalMetric m : view.latest()) {
                if (QualityVocabulary.SCOPE_MODALITY_BIAS.equals(m.getScope()) && m.getEpoch() != null && m.getEpoch() == epoch) {
                    any = true;
                    signature += m.getEmittedAtMs() + 1; // order-independent: the view's order is unspecified
                }
            }
            if (signature != lastSignature) {
                lastSignature = signature;
                stableSince = System.nanoTime();
            } else if (any && System.nanoTime() - stableSince >= quiet.toNanos()) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    private static ObjectNode child(ObjectNode parent, String name) {
        return parent.has(name) ? (ObjectNode) parent.get(name) : parent.putObject(name);
    }

    private static String pair(RetrievalMetric m) {
        return (m.getQueryModality() == null ? "*" : m.getQueryModality().name()) + "->"
                + (m.getTargetModality() == null ? "*" : m.getTargetModality().name());
    }
}
