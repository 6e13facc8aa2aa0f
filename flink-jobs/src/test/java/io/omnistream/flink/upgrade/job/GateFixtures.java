package io.omnistream.flink.upgrade.job;

import io.omnistream.flink.quality.BenchJudgment;
import io.omnistream.flink.quality.TaskMetric;

/** Hand-made inputs of the gate: judgments, metric records of the quality and bias jobs, deployment records. */
final class GateFixtures {
    private GateFixtures() {
    }

    static BenchJudgment judgment(String task, int epoch, String query, String primaryMetric) {
        BenchJudgment j = new BenchJudgment();
        j.taskId = task;
        j.queryItemId = query;
        j.epoch = epoch;
        j.metaTask = "RET";
        j.queryModality = "TEXT";
        j.targetModality = "TEXT";
        j.primaryMetric = primaryMetric;
        j.candidateCount = 10;
        return j;
    }

    static TaskMetric task(String version, String path, String task, int epoch, String metric, double value, long n) {
        TaskMetric m = new TaskMetric();
        m.metric = metric;
        m.value = value;
        m.n = n;
        m.scope = "task";
        m.taskId = task;
        m.modelId = "model-" + version;
        m.modelVersion = version;
        m.path = path;
        m.epoch = epoch;
        return m;
    }

    static TaskMetric exact(String version, String task, int epoch, String metric, double value, long n) {
        return task(version, "exact", task, epoch, metric, value, n);
    }

    static TaskMetric recallLoss(String version, String task, int epoch, double value, long n) {
        return task(version, "served", task, epoch, "recall_loss@10", value, n);
    }

    static TaskMetric notScored(String task, int epoch, String reason) {
        TaskMetric m = task("*", "exact", task, epoch, "not_scored", 1, 0);
        m.modelId = "*";
        m.detail = reason;
        return m;
    }

    /** A target_modality_accuracy row over all tasks; both modalities null = the row over all pairs. */
    static TaskMetric accuracy(String version, int epoch, String query, String target, double value, long n) {
        TaskMetric m = task(version, "exact", null, epoch, "target_modality_accuracy", value, n);
        m.scope = "modality_bias";
        m.queryModality = query;
        m.targetModality = target;
        return m;
    }

    static DeploymentUpdate deployment(String name, String state, String live, String shadow, double epsilon) {
        DeploymentUpdate d = new DeploymentUpdate();
        d.name = name;
        d.state = state;
        d.liveModelVersion = live;
        d.shadowModelVersion = shadow;
        d.primaryMetricEpsilon = epsilon;
        d.modalityAccuracyDelta = 0.125;
        d.maxRecallLoss = 0.0625;
        return d;
    }
}
