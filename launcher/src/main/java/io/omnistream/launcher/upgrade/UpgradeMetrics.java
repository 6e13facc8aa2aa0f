package io.omnistream.launcher.upgrade;

import io.omnistream.schemas.avro.Deployment;
import io.omnistream.schemas.avro.DeploymentState;
import io.omnistream.schemas.avro.GateCheck;
import io.omnistream.schemas.avro.GateDecision;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;

/**
 * The upgrade's Prometheus metrics (one deployment per controller, hence the {@code deployment} label). Updated by
 * the controller after every step and every few seconds while an upgrade shadows.
 *
 * <ul>
 *   <li>{@code omnistream_upgrade_state{deployment, state}}: 1 for the deployment's current state, 0 for the others</li>
 *   <li>{@code omnistream_upgrade_live_ids{deployment}} and {@code omnistream_upgrade_shadow_ids{deployment}}: users'
 *       rows in the live and the shadow collection (progress of the re-embedding = shadow / live)</li>
 *   <li>{@code omnistream_upgrade_lag_records{deployment, group}}: lag of the shadow's worker and sink groups</li>
 *   <li>{@code omnistream_upgrade_gate_passed{deployment}}: 1 passed, 0 refused, -1 no decision on this pair yet</li>
 *   <li>{@code omnistream_upgrade_gate_figure{deployment, rule, subject, version}}: every figure of the last
 *       decision (version = live | shadow | threshold)</li>
 *   <li>{@code omnistream_upgrade_alias_target{deployment, alias, model_version}}: 1 for the version the serving alias
 *       names</li>
 * </ul>
 */
final class UpgradeMetrics {
    private final String deployment;
    private final Gauge state;
    private final Gauge liveIds;
    private final Gauge shadowIds;
    private final Gauge lag;
    private final Gauge gatePassed;
    private final Gauge gateFigure;
    private final Gauge alias;

    UpgradeMetrics(PrometheusRegistry registry, String deployment) {
        this.deployment = deployment;
        state = Gauge.builder().name("omnistream_upgrade_state")
                .help("1 for the deployment's current upgrade state (SERVING, SHADOWING, PROMOTED, ROLLED_BACK), else 0")
                .labelNames("deployment", "state").register(registry);
        liveIds = Gauge.builder().name("omnistream_upgrade_live_ids")
                .help("Users' rows in the live version's collection")
                .labelNames("deployment").register(registry);
        shadowIds = Gauge.builder().name("omnistream_upgrade_shadow_ids")
                .help("Users' rows in the shadow version's collection (re-embedding progress: shadow / live ids)")
                .labelNames("deployment").register(registry);
        lag = Gauge.builder().name("omnistream_upgrade_lag_records")
                .help("Records the shadow's encoder worker or sink group has not committed yet")
                .labelNames("deployment", "group").register(registry);
        gatePassed = Gauge.builder().name("omnistream_upgrade_gate_passed")
                .help("Quality gate of the upgrade under way: 1 passed, 0 refused, -1 no decision on this pair yet")
                .labelNames("deployment").register(registry);
        gateFigure = Gauge.builder().name("omnistream_upgrade_gate_figure")
                .help("Figures of the last gate decision: a rule's live and shadow value and its threshold")
                .labelNames("deployment", "rule", "subject", "version").register(registry);
        alias = Gauge.builder().name("omnistream_upgrade_alias_target")
                .help("1 for the model version the deployment's serving alias names")
                .labelNames("deployment", "alias", "model_version").register(registry);
    }

    void update(Deployment d, String aliasName, UpgradeController.Readiness readiness, Optional<GateDecision> gate) {
        for (DeploymentState s : DeploymentState.values()) {
            state.labelValues(deployment, s.name()).set(s == d.getState() ? 1 : 0);
        }
        alias.clear();
        alias.labelValues(deployment, aliasName, d.getLive().getModelVersion()).set(1);
        lag.clear();
        readiness.lagByGroup().forEach((group, records) -> lag.labelValues(deployment, group).set(records));
        if (d.getState() == DeploymentState.SHADOWING) {
            liveIds.labelValues(deployment).set(readiness.liveRows());
            shadowIds.labelValues(deployment).set(readiness.shadowRows());
            gatePassed.labelValues(deployment).set(readiness.gate().map(g -> g.getPassed() ? 1 : 0).orElse(-1));
        } else {
            shadowIds.clear();
            gatePassed.clear();
        }
        gateFigure.clear();
        gate.ifPresent(g -> {
            for (GateCheck c : g.getChecks()) {
                if (c.getLiveValue() != null) {
                    gateFigure.labelValues(deployment, c.getRule(), c.getSubject(), "live").set(c.getLiveValue());
                }
                if (c.getShadowValue() != null) {
                    gateFigure.labelValues(deployment, c.getRule(), c.getSubject(), "shadow").set(c.getShadowValue());
                }
                gateFigure.labelValues(deployment, c.getRule(), c.getSubject(), "threshold").set(c.getThreshold());
            }
        });
    }
}
