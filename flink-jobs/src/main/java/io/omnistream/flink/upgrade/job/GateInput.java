package io.omnistream.flink.upgrade.job;

import io.omnistream.flink.quality.BenchJudgment;
import io.omnistream.flink.quality.TaskMetric;

/**
 * The gate operator's one input type: a deployment record, a judgment or a metric (exactly one field set), so that the
 * three sources can be unioned onto the operator's single key (see {@link UpgradeGateJob}).
 */
public class GateInput {
    public DeploymentUpdate deployment;
    /** The judgment without its candidate and gold lists (the gate only counts queries). */
    public BenchJudgment judgment;
    public TaskMetric metric;

    public GateInput() {
    }

    public static GateInput of(DeploymentUpdate d) {
        GateInput in = new GateInput();
        in.deployment = d;
        return in;
    }

    public static GateInput of(BenchJudgment j) {
        BenchJudgment slim = new BenchJudgment();
        slim.taskId = j.taskId;
        slim.queryItemId = j.queryItemId;
        slim.epoch = j.epoch;
        slim.metaTask = j.metaTask;
        slim.queryModality = j.queryModality;
        slim.targetModality = j.targetModality;
        slim.primaryMetric = j.primaryMetric;
        slim.candidateCount = j.candidateCount;
        // what makes an epoch's judgments complete (EpochState.judgmentsComplete): without these the gate could decide
        // on a partial epoch
        slim.taskQueries = j.taskQueries;
        slim.epochTasks = j.epochTasks;
        GateInput in = new GateInput();
        in.judgment = slim;
        return in;
    }

    public static GateInput of(TaskMetric m) {
        GateInput in = new GateInput();
        in.metric = m;
        return in;
    }

    /** The single key of the gate operator. */
    public static String key(GateInput in) {
        return "gate";
    }
}
