package io.omnistream.flink.quality;

import io.omnistream.flink.quality.metrics.MetricName;
import io.omnistream.flink.quality.metrics.QueryMetrics;
import io.omnistream.flink.quality.metrics.RankedList;
import io.omnistream.flink.quality.metrics.ScoredCandidate;
import io.omnistream.flink.quality.ranking.CandidatePool;
import io.omnistream.flink.quality.ranking.CandidatePoolCache;
import io.omnistream.flink.quality.ranking.TopKRanker;
import io.omnistream.flink.quality.ranking.TopKRanking;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Exact-path retrieval quality: ranks each benchmark query against its candidates by exact cosine and scores it with
 * {@link QueryMetrics}.
 *
 * <p><b>Keying.</b> The function is keyed by {@link #key(String, int) (taskId, epoch)}. The model identity
 * {@code (modelId, modelVersion)} is a <em>prefix of every state key</em> instead of part of the Flink key, because a
 * {@code Judgment} names no model: it must meet the vectors of every model version replaying the same task/epoch,
 * which a (modelVersion, taskId, epoch) key could only achieve by broadcasting judgments. Models of one task/epoch
 * therefore share a subtask; tasks and epochs spread over the parallelism.
 *
 * <p><b>When a query is scored.</b> When its vector and its judgment are both present and its candidates are complete
 * ({@link #globalComplete}: as many candidate vectors of that model as the judgment's {@code candidateCount}, for a
 * judgment without {@code candidateIds}; {@link #localComplete}: a vector for every id of {@code candidateIds}).
 * Arrival order does not matter: a query is (re-)checked when its vector arrives, when its judgment arrives and when a
 * candidate of its model arrives. The ranking is all candidates of the set by exact dot product of the unit vectors
 * (accumulated in double), tie order per {@link RankedList#RANK_ORDER}; only its first {@link #RANKED_HEAD} ranks are
 * materialised ({@link TopKRanker}: the same ranks and scores as a full sort, see there), which is all that the
 * metrics (cut at rank 10) and the output's top list need.
 *
 * <p><b>Candidate pools.</b> A GLOBAL set's candidates are copied out of state once into a contiguous
 * {@link CandidatePool} that every query of that (task, epoch, model) reuses; a transient cache of the
 * {@link #POOL_CACHE_CAPACITY} most recently used pools per subtask holds them, and a candidate event of that set drops
 * its pool, so a pool always equals the state it was built from. The cache is not state: after a restore it is empty
 * and pools are rebuilt on demand. With a state TTL, a cached pool keeps a candidate that expired from state after the
 * pool was built (the completeness check counts candidates ever received, not live ones, so that pool is the
 * consistent one). A LOCAL query's own candidate list is built into a pool per query.
 *
 * <p><b>Outputs.</b> Per scored query one {@link QueryScore} on path "exact" (main output), carrying the query vector
 * and judgment for the served path; {@link TaskAggregateFunction} turns them into task metrics.
 *
 * <p><b>Dead letters.</b> A benchmark item that was dead-lettered (e.g. an IMAGE event and no image encoder) arrives as
 * a {@link BenchEmbedding#ROLE_DEAD_LETTER} record. It is remembered per (task, epoch), and a {@code not_scored}
 * {@link TaskMetric} (value = distinct dead-lettered items so far, n = 0, detail = the reason, model "*") is emitted on
 * {@link #NOT_SCORED}, so a task whose candidates can never be complete is reported as not scored instead of silently
 * missing or 0.
 *
 * <p><b>Guarantees.</b> The function itself is idempotent per (model, query, epoch): a query is scored at most once
 * (a scored-queries set in keyed state), so a replayed duplicate query event or judgment in the same epoch neither
 * re-emits nor double counts; a duplicate candidate event overwrites its vector and is counted once. Candidate vectors
 * arriving after a GLOBAL pool is complete make {@code count != candidateCount}, so queries arriving later are not
 * scored against an inconsistent pool. End-to-end exactly-once additionally needs checkpointing enabled and sources
 * that restore their offsets from checkpoints (the Kafka source does) plus a transactional sink; without that a
 * restart can re-emit outputs (the state, hence the counts, stays consistent with the checkpoint).
 *
 * <p><b>State size.</b> Candidate vectors and judgments are kept for the lifetime of the (task, epoch) key; query
 * vectors are dropped once scored. With a state TTL (constructor; the job's {@code quality.state.ttl}) every entry
 * expires that long after it was written (processing time), which bounds the state to the epochs replayed within
 * the TTL; a TTL shorter than one epoch's replay would expire candidates before their queries arrive.
 */
public class RetrievalQualityFunction extends KeyedCoProcessFunction<String, BenchEmbedding, BenchJudgment, QueryScore> {

    private static final long serialVersionUID = 1L;

    /** {@code not_scored} records of tasks with dead-lettered items. */
    public static final OutputTag<TaskMetric> NOT_SCORED = new OutputTag<>("not-scored", Types.POJO(TaskMetric.class));
    /** Model id/version of records that concern every model (dead letters name no model). */
    public static final String ANY_MODEL = "*";

    /**
     * Ranks materialised per query: the emitted top list ({@link QueryScore#TOP_N}); at least the deepest metric
     * cutoff, which {@link TopKRanking} needs for the metrics to equal those of the full ranking.
     */
    public static final int RANKED_HEAD = Math.max(QueryScore.TOP_N,
            Arrays.stream(MetricName.values()).mapToInt(MetricName::k).max().orElse(1));

    /**
     * GLOBAL candidate pools kept per subtask (transient, least recently used evicted). Each costs about the state of
     * its candidates again (e.g. 5,000 x 384 floats = 7.7 MB), so the bound keeps the copy small while several model
     * versions replaying the same task/epoch at once still find their pools.
     */
    static final int POOL_CACHE_CAPACITY = 4;

    /** Separates the model prefix from item ids in state keys (cannot occur in ids that are valid UTF-8 text). */
    static final char SEP = '\u0000';

    private transient MapState<String, float[]> candidates;
    private transient MapState<String, float[]> queries;
    private transient MapState<String, Long> queryEventTimes;
    private transient MapState<String, Boolean> deadLetters;
    private transient ValueState<Long> deadLetterCount;
    private transient MapState<String, BenchJudgment> judgments;
    private transient MapState<String, Boolean> scored;
    private transient MapState<String, ModelTaskState> models;
    private transient CandidatePoolCache pools;
    private final Duration stateTtl;

    /** No state TTL. */
    public RetrievalQualityFunction() {
        this(Duration.ZERO);
    }

    /** @param stateTtl how long state entries live after their last write; zero = forever */
    public RetrievalQualityFunction(Duration stateTtl) {
        if (stateTtl.isNegative()) {
            throw new IllegalArgumentException("stateTtl must be >= 0, got " + stateTtl);
        }
        this.stateTtl = stateTtl;
    }

    /** The Flink key of an event: task and epoch (model versions are separated inside the state). */
    public static String key(String taskId, int epoch) {
        return taskId + "#" + epoch;
    }

    /** GLOBAL completeness: the pool has exactly the number of candidates the judgment was ranked against. */
    public static boolean globalComplete(int candidateVectors, int candidateCount) {
        return candidateCount > 0 && candidateVectors == candidateCount;
    }

    /** LOCAL completeness: every id of the query's own list has a vector. */
    public static boolean localComplete(String[] candidateIds, Predicate<String> hasVector) {
        if (candidateIds == null || candidateIds.length == 0) {
            return false;
        }
        for (String id : candidateIds) {
            if (!hasVector.test(id)) {
                return false;
            }
        }
        return true;
    }

    /** Cosine of unit vectors: their dot product, accumulated in double in index order ({@link TopKRanker#dot}). */
    public static double dot(float[] a, float[] b) {
        return TopKRanker.dot(a, b);
    }

    /**
     * What the operator computes per complete query: the first {@link #RANKED_HEAD} ranks of the pool by exact cosine.
     */
    public static TopKRanking rank(float[] query, CandidatePool pool) {
        return TopKRanker.rank(query, pool, RANKED_HEAD);
    }

    /**
     * The full ranking of every candidate by exact cosine (one object per candidate, full sort). Not used by the
     * operator any more; the reference {@link #rank(float[], CandidatePool)} is checked against.
     */
    public static RankedList rank(float[] query, Map<String, float[]> candidateVectors) {
        List<ScoredCandidate> scoredCandidates = new ArrayList<>(candidateVectors.size());
        candidateVectors.forEach((id, v) -> scoredCandidates.add(new ScoredCandidate(id, dot(query, v))));
        return RankedList.of(scoredCandidates);
    }

    /** Cache key of a GLOBAL pool: the Flink key (task, epoch) and the model. */
    private static String poolKey(String flinkKey, String model) {
        return flinkKey + SEP + model;
    }

    static String modelKey(String modelId, String modelVersion) {
        return modelId + SEP + modelVersion;
    }

    private static String itemKey(String model, String itemId) {
        return model + SEP + itemId;
    }

    @Override
    public void open(OpenContext openContext) {
        candidates = getRuntimeContext().getMapState(withTtl(new MapStateDescriptor<>("candidate-vectors", Types.STRING,
                PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO)));
        queries = getRuntimeContext().getMapState(withTtl(new MapStateDescriptor<>("pending-query-vectors", Types.STRING,
                PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO)));
        queryEventTimes = getRuntimeContext().getMapState(withTtl(new MapStateDescriptor<>("pending-query-times",
                Types.STRING, Types.LONG)));
        judgments = getRuntimeContext().getMapState(withTtl(new MapStateDescriptor<>("judgments", Types.STRING,
                Types.POJO(BenchJudgment.class))));
        scored = getRuntimeContext().getMapState(withTtl(new MapStateDescriptor<>("scored-queries", Types.STRING,
                Types.BOOLEAN)));
        models = getRuntimeContext().getMapState(withTtl(new MapStateDescriptor<>("model-task-state", Types.STRING,
                Types.POJO(ModelTaskState.class))));
        deadLetters = getRuntimeContext().getMapState(withTtl(new MapStateDescriptor<>("dead-lettered-items",
                Types.STRING, Types.BOOLEAN)));
        ValueStateDescriptor<Long> count = new ValueStateDescriptor<>("dead-lettered-count", Types.LONG);
        if (!stateTtl.isZero()) {
            count.enableTimeToLive(ttlConfig(stateTtl));
        }
        deadLetterCount = getRuntimeContext().getState(count);
        pools = new CandidatePoolCache(POOL_CACHE_CAPACITY);
    }

    private <K, V> MapStateDescriptor<K, V> withTtl(MapStateDescriptor<K, V> descriptor) {
        if (!stateTtl.isZero()) {
            descriptor.enableTimeToLive(ttlConfig(stateTtl));
        }
        return descriptor;
    }

    /** Entries expire {@code ttl} after their last write (processing time), cleaned up incrementally on access. */
    static StateTtlConfig ttlConfig(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                .updateTtlOnCreateAndWrite()
                .neverReturnExpired()
                .cleanupIncrementally(16, false)
                .build();
    }

    @Override
    public void processElement1(BenchEmbedding e, Context ctx, Collector<QueryScore> out) throws Exception {
        if (e == null || e.role == null) {
            return;
        }
        if (e.isDeadLetter()) {
            onDeadLetter(e, ctx);
            return;
        }
        if (e.vector == null) {
            return;
        }
        String model = modelKey(e.modelId, e.modelVersion);
        ModelTaskState st = models.get(model);
        if (st == null) {
            st = new ModelTaskState(e.modelId, e.modelVersion);
        }
        String k = itemKey(model, e.itemId);
        if (e.isQuery()) {
            if (scored.contains(k)) {
                return; // replayed duplicate of an already scored query
            }
            queries.put(k, e.vector);
            queryEventTimes.put(k, e.eventTimeMs);
            BenchJudgment j = judgments.get(e.itemId);
            if (j != null && !tryScore(ctx.getCurrentKey(), model, st, e.itemId, e.vector, j, out)) {
                registerPending(st, j);
            }
            models.put(model, st);
        } else {
            if (!candidates.contains(k)) {
                st.candidateVectors++;
            }
            candidates.put(k, e.vector);
            pools.invalidate(poolKey(ctx.getCurrentKey(), model));
            if (st.pendingLocal > 0 || st.candidateVectors >= st.minPendingGlobal) {
                recheckPending(ctx.getCurrentKey(), model, st, out);
            }
            models.put(model, st);
        }
    }

    @Override
    public void processElement2(BenchJudgment j, Context ctx, Collector<QueryScore> out) throws Exception {
        judgments.put(j.queryItemId, j);
        List<String> modelKeys = new ArrayList<>();
        for (String model : models.keys()) {
            modelKeys.add(model);
        }
        for (String model : modelKeys) {
            String k = itemKey(model, j.queryItemId);
            if (scored.contains(k)) {
                continue;
            }
            float[] q = queries.get(k);
            if (q == null) {
                continue;
            }
            ModelTaskState st = models.get(model);
            if (!tryScore(ctx.getCurrentKey(), model, st, j.queryItemId, q, j, out)) {
                registerPending(st, j);
            }
            models.put(model, st);
        }
    }

    private static void registerPending(ModelTaskState st, BenchJudgment j) {
        if (j.isGlobal()) {
            st.minPendingGlobal = Math.min(st.minPendingGlobal, j.candidateCount);
        } else {
            st.pendingLocal++;
        }
    }

    /** Re-checks every query of the model that has a vector and a judgment; recomputes the pending filters exactly. */
    private void recheckPending(String flinkKey, String model, ModelTaskState st, Collector<QueryScore> out)
            throws Exception {
        String prefix = model + SEP;
        Map<String, float[]> waiting = new HashMap<>();
        for (Map.Entry<String, float[]> entry : queries.entries()) {
            if (entry.getKey().startsWith(prefix)) {
                waiting.put(entry.getKey().substring(prefix.length()), entry.getValue());
            }
        }
        st.pendingLocal = 0;
        st.minPendingGlobal = Integer.MAX_VALUE;
        for (Map.Entry<String, float[]> entry : waiting.entrySet()) {
            BenchJudgment j = judgments.get(entry.getKey());
            if (j != null && !tryScore(flinkKey, model, st, entry.getKey(), entry.getValue(), j, out)) {
                registerPending(st, j);
            }
        }
    }

    /** Scores the query if its candidates are complete; returns whether it was scored. Updates {@code st} in place. */
    private boolean tryScore(String flinkKey, String model, ModelTaskState st, String queryItemId, float[] queryVector,
            BenchJudgment j, Collector<QueryScore> out) throws Exception {
        CandidatePool pool;
        if (j.isGlobal()) {
            if (!globalComplete(st.candidateVectors, j.candidateCount)) {
                return false;
            }
            String poolKey = poolKey(flinkKey, model);
            pool = pools.get(poolKey);
            if (pool == null) {
                String prefix = model + SEP;
                CandidatePool.Builder builder = CandidatePool.builder(j.candidateCount);
                for (Map.Entry<String, float[]> entry : candidates.entries()) {
                    if (entry.getKey().startsWith(prefix)) {
                        builder.add(entry.getKey().substring(prefix.length()), entry.getValue());
                    }
                }
                pool = builder.build();
                pools.put(poolKey, pool);
            }
        } else {
            if (!localComplete(j.candidateIds, id -> {
                try {
                    return candidates.contains(itemKey(model, id));
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            })) {
                return false;
            }
            // A candidate id listed twice is ranked once (CandidatePool rejects duplicates).
            Set<String> ids = new LinkedHashSet<>(Arrays.asList(j.candidateIds));
            CandidatePool.Builder builder = CandidatePool.builder(ids.size());
            for (String id : ids) {
                builder.add(id, candidates.get(itemKey(model, id)));
            }
            pool = builder.build();
        }
        TopKRanking ranking = rank(queryVector, pool);
        QueryMetrics metrics = QueryMetrics.compute(ranking.top(), j.judgments());
        String k = itemKey(model, queryItemId);
        Long eventTime = queryEventTimes.get(k);
        scored.put(k, Boolean.TRUE);
        queries.remove(k);
        queryEventTimes.remove(k);
        QueryScore score = queryScore(QualityVocabulary.PATH_EXACT, st.modelId, st.modelVersion, j, queryItemId,
                eventTime == null ? 0L : eventTime, ranking.top(), ranking.candidateCount(), metrics);
        score.queryVector = queryVector;
        score.judgment = j;
        out.collect(score);
        return true;
    }

    private void onDeadLetter(BenchEmbedding e, Context ctx) throws Exception {
        String item = e.role + SEP + e.itemId;
        Long stored = deadLetterCount.value();
        long count = stored == null ? 0 : stored;
        if (!deadLetters.contains(item)) {
            deadLetters.put(item, Boolean.TRUE);
            deadLetterCount.update(++count);
        }
        TaskMetric m = new TaskMetric();
        m.metric = QualityVocabulary.NOT_SCORED;
        m.value = count;
        m.n = 0;
        m.scope = QualityVocabulary.SCOPE_TASK;
        m.taskId = e.taskId;
        m.modelId = ANY_MODEL;
        m.modelVersion = ANY_MODEL;
        m.path = QualityVocabulary.PATH_EXACT;
        m.epoch = e.epoch;
        m.windowStartMs = e.eventTimeMs;
        m.windowEndMs = e.eventTimeMs;
        m.emittedAtMs = ctx.timerService().currentProcessingTime();
        m.detail = e.detail;
        ctx.output(NOT_SCORED, m);
    }

    /** A {@link QueryScore} of a ranking (either path): the 11 metrics and the top {@link QueryScore#TOP_N}. */
    public static QueryScore queryScore(String path, String modelId, String modelVersion, BenchJudgment j,
            String queryItemId, long eventTimeMs, RankedList ranking, QueryMetrics metrics) {
        return queryScore(path, modelId, modelVersion, j, queryItemId, eventTimeMs, ranking, ranking.size(), metrics);
    }

    /**
     * A {@link QueryScore} of the head of a ranking over {@code candidateCount} candidates (the head holds at least
     * the first {@link QueryScore#TOP_N} ranks, or all of them).
     */
    public static QueryScore queryScore(String path, String modelId, String modelVersion, BenchJudgment j,
            String queryItemId, long eventTimeMs, RankedList ranking, int candidateCount, QueryMetrics metrics) {
        QueryScore s = new QueryScore();
        s.path = path;
        s.modelId = modelId;
        s.modelVersion = modelVersion;
        s.taskId = j.taskId;
        s.metaTask = j.metaTask;
        s.queryModality = j.queryModality;
        s.targetModality = j.targetModality;
        s.epoch = j.epoch;
        s.queryItemId = queryItemId;
        s.eventTimeMs = eventTimeMs;
        s.candidateCount = candidateCount;
        s.hasRelevant = metrics.hasRelevant();
        s.values = new double[MetricName.values().length];
        for (MetricName name : MetricName.values()) {
            s.values[name.ordinal()] = metrics.value(name);
        }
        int top = Math.min(QueryScore.TOP_N, ranking.size());
        s.topIds = new String[top];
        s.topScores = new double[top];
        for (int i = 0; i < top; i++) {
            ScoredCandidate c = ranking.candidates().get(i);
            s.topIds[i] = c.id();
            s.topScores[i] = c.score();
        }
        return s;
    }
}
