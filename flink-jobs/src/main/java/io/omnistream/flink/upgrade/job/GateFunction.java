package io.omnistream.flink.upgrade.job;

import io.omnistream.flink.upgrade.EpochFigures;
import io.omnistream.flink.upgrade.GateDecisionEvent;
import io.omnistream.flink.upgrade.QualityGate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The gate operator, on the job's single key: keeps the SHADOWING deployments and, per replay epoch, what
 * {@link EpochState} collects of every model version; after each input it tries every (deployment, epoch) the input
 * can complete, and emits one {@link GateDecisionEvent} when an epoch's figures of a deployment's live and shadow
 * version are complete ({@link EpochState#figures}).
 *
 * <p><b>Once per epoch, forward only.</b> A deployment's decided epochs only grow: an epoch at or below its last
 * decided one is never decided (again), so a later epoch emits a new decision and an older epoch completing late does
 * not overwrite a newer verdict on the compacted topic. A deployment record decides only the newest complete epoch
 * already known (a job started late, or a deployment written after the replay, gets one decision, not one per epoch). A deployment record that names other versions (or leaves
 * SHADOWING, which forgets the deployment) starts over; one with the same versions keeps the decided epochs and takes
 * the new thresholds for the next epochs.
 *
 * <p><b>State size.</b> The {@code retainedEpochs} newest epochs (by number) are kept; a record of an older epoch is
 * ignored (counted in {@code gateRecordsTooOld}). Per epoch: the judged query ids and ~12 figures per task and model
 * version seen.
 */
public class GateFunction extends KeyedProcessFunction<String, GateInput, GateDecisionEvent> {
    private static final long serialVersionUID = 1L;

    private final boolean waitForServed;
    private final boolean waitForBias;
    private final String twinSuffix;
    private final int retainedEpochs;

    private transient MapState<String, DeploymentView> deployments;
    private transient MapState<Integer, EpochState> epochs;
    private transient ValueState<Integer> newestEpoch;
    private transient Counter tooOld;

    public GateFunction(boolean waitForServed, boolean waitForBias, String twinSuffix, int retainedEpochs) {
        this.waitForServed = waitForServed;
        this.waitForBias = waitForBias;
        this.twinSuffix = twinSuffix;
        this.retainedEpochs = retainedEpochs;
    }

    @Override
    public void open(OpenContext context) {
        deployments = getRuntimeContext().getMapState(new MapStateDescriptor<>("gate-deployments", Types.STRING,
                Types.POJO(DeploymentView.class)));
        epochs = getRuntimeContext().getMapState(new MapStateDescriptor<>("gate-epochs", Types.INT,
                Types.POJO(EpochState.class)));
        newestEpoch = getRuntimeContext().getState(new ValueStateDescriptor<>("gate-newest-epoch", Types.INT));
        tooOld = getRuntimeContext().getMetricGroup().counter("gateRecordsTooOld");
    }

    @Override
    public void processElement(GateInput in, Context ctx, Collector<GateDecisionEvent> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        if (in.deployment != null) {
            onDeployment(in.deployment, now, out);
            return;
        }
        int epoch = in.judgment != null ? in.judgment.epoch : in.metric.epoch;
        Integer newest = newestEpoch.value();
        if (newest != null && epoch <= newest - retainedEpochs) {
            tooOld.inc();
            return;
        }
        if (newest == null || epoch > newest) {
            newestEpoch.update(epoch);
            dropEpochsBefore(epoch - retainedEpochs + 1);
        }
        EpochState st = epochs.get(epoch);
        if (st == null) {
            st = new EpochState();
        }
        if (in.judgment != null) {
            st.add(in.judgment);
        } else if (!st.add(in.metric)) {
            return;
        }
        epochs.put(epoch, st);
        for (Map.Entry<String, DeploymentView> e : deployments.entries()) {
            DeploymentView view = e.getValue();
            if (tryDecide(view, epoch, st, now, out)) {
                deployments.put(e.getKey(), view);
            }
        }
    }

    private void onDeployment(DeploymentUpdate d, long now, Collector<GateDecisionEvent> out) throws Exception {
        if (!d.isShadowing()) {
            deployments.remove(d.name);
            return;
        }
        DeploymentView view = deployments.get(d.name);
        if (view == null || !view.sameVersions(d)) {
            view = new DeploymentView(d);
        } else {
            view.deployment = d;
        }
        // only the newest complete epoch: the older ones would be superseded at once (decisions move forward)
        TreeSet<Integer> known = new TreeSet<>();
        for (Integer epoch : epochs.keys()) {
            known.add(epoch);
        }
        for (Integer epoch : known.descendingSet()) {
            if (tryDecide(view, epoch, epochs.get(epoch), now, out)) {
                break;
            }
        }
        deployments.put(d.name, view);
    }

    /** Decides {@code epoch} for {@code view} if it is new and complete; true if it emitted (view changed). */
    private boolean tryDecide(DeploymentView view, int epoch, EpochState st, long now,
            Collector<GateDecisionEvent> out) {
        if (view.lastDecidedEpoch != null && epoch <= view.lastDecidedEpoch) {
            return false;
        }
        DeploymentUpdate d = view.deployment;
        EpochFigures figures = st.figures(epoch, d.liveModelVersion, d.shadowModelVersion, waitForServed, waitForBias,
                twinSuffix);
        if (figures == null) {
            return false;
        }
        out.collect(QualityGate.evaluate(d.name, d.liveModelVersion, d.shadowModelVersion, d.thresholds(), figures,
                now));
        view.lastDecidedEpoch = epoch;
        return true;
    }

    private void dropEpochsBefore(int oldestKept) throws Exception {
        List<Integer> old = new ArrayList<>();
        for (Integer epoch : epochs.keys()) {
            if (epoch < oldestKept) {
                old.add(epoch);
            }
        }
        for (Integer epoch : old) {
            epochs.remove(epoch);
        }
    }
}
