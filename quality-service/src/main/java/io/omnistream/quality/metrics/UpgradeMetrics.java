package io.omnistream.quality.metrics;

import io.omnistream.schemas.avro.Deployment;
import io.omnistream.schemas.avro.DeploymentState;
import io.omnistream.schemas.avro.GateCheck;
import io.omnistream.schemas.avro.GateDecision;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Model upgrades as Prometheus metrics, from the deployment state ({@code omnistream.deployments.v1}) and the gate's
 * verdicts ({@code upgrade.gate.v1}), both compacted and read from the beginning; the last record per deployment wins.
 * <ul>
 *   <li>{@code omnistream_upgrade_state{deployment, state}}: 1 for the deployment's state, 0 for the other states</li>
 *   <li>{@code omnistream_upgrade_alias_target{deployment, model_version}}: 1 for the version the serving alias (and the
 *       consumers' topic pointer) names</li>
 *   <li>{@code omnistream_upgrade_gate_passed{deployment, shadow_version}}: while the deployment shadows: 1 if the last
 *       decision on its pair passed, 0 if it refused, -1 while there is none</li>
 *   <li>{@code omnistream_upgrade_gate_figure{deployment, rule, subject, value}}: every figure of the deployment's
 *       last decision (value = live | shadow | threshold)</li>
 * </ul>
 * The re-embedding's progress is the shadow's consumer lag ({@code omnistream_kafka_consumer_lag} of the group
 * {@code <encoder group>.<model>} on the media topic). {@link #close()} unregisters the metrics. Thread-safe.
 */
public final class UpgradeMetrics implements AutoCloseable {
    private final PrometheusRegistry registry;
    private final GaugeWithCallback state;
    private final GaugeWithCallback aliasTarget;
    private final GaugeWithCallback gatePassed;
    private final GaugeWithCallback gateFigure;
    /** Guarded by this. */
    private final Map<String, Deployment> deployments = new LinkedHashMap<>();
    private final Map<String, GateDecision> decisions = new LinkedHashMap<>();

    public UpgradeMetrics(PrometheusRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        state = GaugeWithCallback.builder().name("omnistream_upgrade_state")
                .help("1 for a deployment's upgrade state (SERVING, SHADOWING, PROMOTED, ROLLED_BACK), 0 for the others")
                .labelNames("deployment", "state")
                .callback(cb -> snapshot().forEach((name, d) -> {
                    for (DeploymentState s : DeploymentState.values()) {
                        cb.call(s == d.getState() ? 1 : 0, name, s.name());
                    }
                }))
                .register(registry);
        aliasTarget = GaugeWithCallback.builder().name("omnistream_upgrade_alias_target")
                .help("1 for the model version a deployment's serving alias and topic pointer name")
                .labelNames("deployment", "model_version")
                .callback(cb -> snapshot().forEach((name, d) -> cb.call(1, name, d.getLive().getModelVersion())))
                .register(registry);
        gatePassed = GaugeWithCallback.builder().name("omnistream_upgrade_gate_passed")
                .help("While a deployment shadows: 1 if the gate passed its pair of versions, 0 if it refused, -1 while undecided")
                .labelNames("deployment", "shadow_version")
                .callback(cb -> snapshot().forEach((name, d) -> {
                    if (d.getState() == DeploymentState.SHADOWING) {
                        cb.call(passed(d), name, d.getShadow().getModelVersion());
                    }
                }))
                .register(registry);
        gateFigure = GaugeWithCallback.builder().name("omnistream_upgrade_gate_figure")
                .help("Figures of a deployment's last gate decision: each rule's live and shadow value and its threshold")
                .labelNames("deployment", "rule", "subject", "value")
                .callback(cb -> decisions().forEach((name, g) -> {
                    for (GateCheck c : g.getChecks()) {
                        if (c.getLiveValue() != null) {
                            cb.call(c.getLiveValue(), name, c.getRule(), c.getSubject(), "live");
                        }
                        if (c.getShadowValue() != null) {
                            cb.call(c.getShadowValue(), name, c.getRule(), c.getSubject(), "shadow");
                        }
                        cb.call(c.getThreshold(), name, c.getRule(), c.getSubject(), "threshold");
                    }
                }))
                .register(registry);
    }

    /** Applies one deployment record (the newest state of its deployment). */
    public synchronized void accept(Deployment deployment) {
        deployments.put(deployment.getName(), deployment);
    }

    /** Applies one gate decision (the newest verdict on its deployment). */
    public synchronized void accept(GateDecision decision) {
        decisions.put(decision.getDeployment(), decision);
    }

    /** 1 / 0 for the last decision on exactly the deployment's live and shadow versions, -1 if there is none. */
    synchronized double passed(Deployment d) {
        GateDecision g = decisions.get(d.getName());
        if (g == null || !g.getLiveModelVersion().equals(d.getLive().getModelVersion())
                || !g.getShadowModelVersion().equals(d.getShadow().getModelVersion())) {
            return -1;
        }
        return g.getPassed() ? 1 : 0;
    }

    private synchronized Map<String, Deployment> snapshot() {
        return new LinkedHashMap<>(deployments);
    }

    private synchronized Map<String, GateDecision> decisions() {
        return new LinkedHashMap<>(decisions);
    }

    @Override
    public void close() {
        registry.unregister(state);
        registry.unregister(aliasTarget);
        registry.unregister(gatePassed);
        registry.unregister(gateFigure);
    }
}
