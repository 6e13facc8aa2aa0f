package io.omnistream.launcher.upgrade;

import io.omnistream.milvus.collection.CollectionManager;
import io.omnistream.milvus.collection.ServingAlias;
import io.omnistream.milvus.search.VectorSearcher;
import io.omnistream.schemas.avro.Deployment;
import io.omnistream.schemas.avro.DeploymentState;
import io.omnistream.schemas.avro.GateDecision;
import io.omnistream.schemas.avro.GateSpec;
import io.omnistream.schemas.avro.ModelTarget;
import io.omnistream.search.SemanticSearch;
import io.omnistream.search.ServingSearch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a deployment's upgrades inside the embedded stack: the only writer of its record on
 * {@code omnistream.deployments.v1}, the owner of every pipeline beside the live one, and the only mover of its
 * serving alias. Each step is {@link DeploymentTransitions}' next state plus its side effects, in an order that never
 * leaves search without a filled collection:
 * <ul>
 *   <li><b>start</b>: the shadow's worker and sink groups start (re-reading the source from offset 0, skipping the
 *       benchmark's past epochs), then the SHADOWING record is written;</li>
 *   <li><b>promote</b>: only when the gate passed on this pair and the shadow caught up ({@link #readiness()}); the
 *       record is written, then the alias moves in one call. The old version keeps running as {@code previous};</li>
 *   <li><b>rollback</b>: record, then one alias move back;</li>
 *   <li><b>abort</b> / <b>finish</b>: the record, then the released version's groups stop, its collection is dropped
 *       and its consumer groups deleted (so a later upgrade to it re-reads from the beginning).</li>
 * </ul>
 * With {@code autoPromote} in the gate, a background check promotes as soon as {@link #readiness()} holds. The
 * upgrade's metrics come from the topics (the quality plane's {@code UpgradeMetrics}), so every process that runs
 * the quality plane exports them. Steps are
 * serialised (one lock); search ({@link #search()}) is lock-free and follows the alias.
 */
public final class UpgradeController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UpgradeController.class);
    /** How often the auto-promotion check runs. */
    static final Duration AUTO_PROMOTE_CHECK = Duration.ofSeconds(2);

    /** What the controller needs from the stack it runs in. */
    public interface Stack {
        /** Starts the pipeline of {@code modelId}, skipping benchmark events older than the given instant. */
        ModelPipeline startPipeline(String modelId, long benchmarkSkipBeforeMs);

        /** Committed-offset lag of {@code group} on {@code topic} (sum over partitions; a partition never committed counts whole). */
        long lag(String topic, String group);

        /** Deletes consumer groups (of a released version), so a later pipeline of it starts from the beginning. */
        void deleteGroups(List<String> groups);

        /** The source topic every worker group reads. */
        String sourceTopic();

        /**
         * Replays the next epoch of the stack's upgrade benchmark in the background, if one is configured, so that the
         * gate gets a replay epoch scored for both versions; does nothing otherwise.
         */
        void replayBenchmark();
    }

    private final String deploymentName;
    private final String aliasName;
    private final DeploymentStore store;
    private final ServingAlias alias;
    private final CollectionManager collections;
    private final VectorSearcher searcher;
    private final Stack stack;
    private final Map<String, ModelPipeline> pipelines = new ConcurrentHashMap<>();
    private final ModelPipeline livePipeline;
    private final ServingSearch search;
    private final ScheduledExecutorService autoPromoter;
    private Deployment current;

    /**
     * Takes over deployment {@code deploymentName}: creates it (SERVING {@code live}) if it was never written, resumes
     * an upgrade under way (its shadow's groups continue from their committed offsets), and points the alias at live.
     *
     * @throws IllegalStateException if the deployment is recorded as served by another version than {@code live}
     */
    public UpgradeController(String deploymentName, DeploymentStore store, ServingAlias alias,
                             CollectionManager collections, VectorSearcher searcher, ModelPipeline live, Stack stack) {
        this.deploymentName = deploymentName;
        this.aliasName = ServingAlias.nameFor(deploymentName);
        this.store = store;
        this.alias = alias;
        this.collections = collections;
        this.searcher = searcher;
        this.stack = stack;
        this.livePipeline = live;
        pipelines.put(live.modelVersion(), live);
        Optional<Deployment> recorded = store.deployment(deploymentName);
        if (recorded.isEmpty()) {
            current = DeploymentTransitions.initial(deploymentName, live.target(), now());
            store.write(current);
        } else {
            current = recorded.get();
            if (!current.getLive().getModelVersion().equals(live.modelVersion())) {
                throw new IllegalStateException("deployment '" + deploymentName + "' is served by "
                        + current.getLive().getModelVersion() + " (state " + current.getState() + "), but this stack "
                        + "runs " + live.modelVersion() + ": start it with --model " + current.getLive().getModelId()
                        + ", or use another deployment name (launcher.deployment)");
            }
            if (current.getState() == DeploymentState.SHADOWING) {
                ModelTarget shadow = current.getShadow();
                LOG.info("resuming the upgrade of deployment {} to {}", deploymentName, shadow.getModelVersion());
                pipelines.put(shadow.getModelVersion(), stack.startPipeline(shadow.getModelId(), current.getUpdatedAtMs()));
            } else if (current.getState() != DeploymentState.SERVING) {
                throw new IllegalStateException("deployment '" + deploymentName + "' is " + current.getState()
                        + " with " + current.getPrevious().getModelVersion() + " kept for rollback; this stack cannot "
                        + "resume that: finish it (./omnistream upgrade finish) on the stack that promoted it");
            }
        }
        ensureCollection(live);
        alias.point(aliasName, current.getLive().getModelVersion());
        this.search = new ServingSearch(alias, searcher, aliasName, v -> Optional.ofNullable(pipelines.get(v)).map(ModelPipeline::search));
        this.autoPromoter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "upgrade-auto-promote");
            t.setDaemon(true);
            return t;
        });
        autoPromoter.scheduleWithFixedDelay(this::tick, AUTO_PROMOTE_CHECK.toMillis(),
                AUTO_PROMOTE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** User search: through the serving alias, with the model of the collection it points to. */
    public ServingSearch search() {
        return search;
    }

    public String aliasName() {
        return aliasName;
    }

    /** The deployment as last written. */
    public synchronized Deployment deployment() {
        return current;
    }

    /** The last gate verdict on this deployment, if the gate job published one. */
    public Optional<GateDecision> gate() {
        return store.gate(deploymentName);
    }

    /**
     * SERVING → SHADOWING to {@code modelId}.
     *
     * @param expectedVersion if not null, the version the caller expects {@code modelId} to have; refused otherwise
     */
    public synchronized Deployment start(String modelId, String expectedVersion, GateSpec gate) {
        if (current.getState() != DeploymentState.SERVING) {
            DeploymentTransitions.start(current, current.getLive(), gate, now()); // throws with the reason
        }
        if (modelId.equals(current.getLive().getModelId())) {
            throw new IllegalStateException("deployment '" + deploymentName + "' already serves model " + modelId
                    + " (" + current.getLive().getModelVersion() + "): nothing to upgrade");
        }
        long startedAt = now();
        ModelPipeline shadow = stack.startPipeline(modelId, startedAt);
        try {
            if (expectedVersion != null && !expectedVersion.equals(shadow.modelVersion())) {
                throw new IllegalStateException("model " + modelId + " has version " + shadow.modelVersion()
                        + ", not the requested " + expectedVersion);
            }
            ensureCollection(shadow);
            Deployment next = DeploymentTransitions.start(current, shadow.target(), gate, startedAt);
            store.write(next);
            pipelines.put(shadow.modelVersion(), shadow);
            current = next;
            LOG.info("deployment {}: shadowing {} beside {}", deploymentName, shadow.modelVersion(),
                    current.getLive().getModelVersion());
            stack.replayBenchmark();
            return current;
        } catch (RuntimeException e) {
            // undo what the started groups did, so that a later start of this model re-reads from the beginning
            shadow.close();
            if (!shadow.modelVersion().equals(current.getLive().getModelVersion())) {
                collections.dropCollection(shadow.modelVersion());
            }
            stack.deleteGroups(List.of(shadow.workerGroup(), shadow.sinkGroup()));
            throw e;
        }
    }

    /** What promotion waits for: the gate's verdict on this pair, and a shadow that has caught up with the source. */
    public record Readiness(Optional<GateDecision> gate, Map<String, Long> lagByGroup, long liveRows, long shadowRows,
                            List<String> blockers) {
        public boolean ready() {
            return blockers.isEmpty();
        }
    }

    /** The state of each promotion condition now; {@link Readiness#blockers} is empty when promote would succeed. */
    public synchronized Readiness readiness() {
        if (current.getState() != DeploymentState.SHADOWING) {
            return new Readiness(Optional.empty(), Map.of(), 0, 0, List.of("deployment is " + current.getState()
                    + ", not SHADOWING"));
        }
        List<String> blockers = new ArrayList<>();
        Optional<GateDecision> gate = gate().filter(g -> g.getLiveModelVersion().equals(current.getLive().getModelVersion())
                && g.getShadowModelVersion().equals(current.getShadow().getModelVersion()));
        if (gate.isEmpty()) {
            blockers.add("no gate decision on this pair yet (it needs one replay epoch scored for both versions)");
        } else if (!gate.get().getPassed()) {
            blockers.add("the gate refused it: " + gate.get().getReason());
        }
        ModelPipeline shadow = pipelines.get(current.getShadow().getModelVersion());
        Map<String, Long> lags = new LinkedHashMap<>();
        for (String[] check : shadow.lagChecks(stack.sourceTopic())) {
            long lag = stack.lag(check[0], check[1]);
            lags.put(check[1], lag);
            if (lag > 0) {
                blockers.add("group " + check[1] + " lags " + lag + " records on " + check[0]);
            }
        }
        if (!shadow.running()) {
            blockers.add("the shadow's worker or sink stopped (see the log)");
        }
        long liveRows = userRows(current.getLive().getModelVersion());
        long shadowRows = userRows(current.getShadow().getModelVersion());
        if (liveRows != shadowRows) {
            blockers.add("the shadow collection holds " + shadowRows + " users' rows, live holds " + liveRows);
        }
        return new Readiness(gate, lags, liveRows, shadowRows, List.copyOf(blockers));
    }

    /** SHADOWING → PROMOTED, if {@link #readiness()} holds; then the alias moves to the former shadow in one call. */
    public synchronized Deployment promote(String why) {
        Readiness readiness = readiness();
        if (!readiness.ready()) {
            throw new IllegalStateException("cannot promote " + (current.getShadow() == null ? "deployment '"
                    + deploymentName + "'" : current.getShadow().getModelVersion()) + ": "
                    + String.join("; ", readiness.blockers()));
        }
        Deployment next = DeploymentTransitions.promote(current, readiness.gate().orElseThrow(), why, now());
        store.write(next);
        current = next;
        alias.point(aliasName, current.getLive().getModelVersion());
        LOG.info("deployment {}: promoted {} ({}); {} kept for rollback", deploymentName,
                current.getLive().getModelVersion(), why, current.getPrevious().getModelVersion());
        return current;
    }

    /** PROMOTED ⇄ ROLLED_BACK: one alias move to the version kept. */
    public synchronized Deployment rollback() {
        Deployment next = DeploymentTransitions.rollback(current, now());
        store.write(next);
        current = next;
        alias.point(aliasName, current.getLive().getModelVersion());
        LOG.info("deployment {}: {}", deploymentName, current.getDetail());
        return current;
    }

    /** SHADOWING → SERVING: the shadow's groups stop, its collection is dropped. */
    public synchronized Deployment abort() {
        ModelTarget shadow = current.getShadow();
        Deployment next = DeploymentTransitions.abort(current, now());
        store.write(next);
        current = next;
        release(shadow);
        return current;
    }

    /** PROMOTED / ROLLED_BACK → SERVING: the version kept for rollback is released. */
    public synchronized Deployment finish() {
        ModelTarget previous = current.getPrevious();
        Deployment next = DeploymentTransitions.finish(current, now());
        store.write(next);
        current = next;
        release(previous);
        return current;
    }

    private void release(ModelTarget target) {
        ModelPipeline pipeline = pipelines.remove(target.getModelVersion());
        List<String> groups = new ArrayList<>();
        if (pipeline != null) {
            groups.add(pipeline.workerGroup());
            groups.add(pipeline.sinkGroup());
            pipeline.close();
        }
        collections.dropCollection(target.getModelVersion());
        stack.deleteGroups(groups);
        LOG.info("deployment {}: released {} (groups {} deleted, collection {} dropped)", deploymentName,
                target.getModelVersion(), groups, target.getCollection());
    }

    /**
     * Creates the version's collection before its sink's first row would (as the sink would: its model version,
     * dimension and source topic), so the alias can point at it and its rows can be counted from the start.
     */
    private void ensureCollection(ModelPipeline pipeline) {
        collections.ensureCollection(pipeline.modelVersion(), pipeline.chain().text().dimension(), pipeline.embeddingTopic());
    }

    private long userRows(String modelVersion) {
        return searcher.liveRowCount(modelVersion);
    }

    /** Every few seconds while an upgrade shadows with {@code autoPromote}: promotes once it may. */
    private void tick() {
        try {
            synchronized (this) {
                if (current.getState() == DeploymentState.SHADOWING && current.getGate().getAutoPromote()
                        && readiness().ready()) {
                    promote("automatic: gate passed and shadow caught up");
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("deployment {}: automatic promotion check failed: {}", deploymentName, e.toString());
        }
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    /** Stops the background check and every pipeline this controller started (not the stack's live one). */
    @Override
    public void close() {
        autoPromoter.shutdownNow();
        for (ModelPipeline p : pipelines.values()) {
            if (p != livePipeline) {
                p.close();
            }
        }
        pipelines.clear();
    }
}
