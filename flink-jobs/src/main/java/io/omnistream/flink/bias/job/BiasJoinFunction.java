package io.omnistream.flink.bias.job;

import io.omnistream.flink.quality.BenchEmbedding;
import io.omnistream.flink.quality.BenchJudgment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins, per (task, epoch), benchmark embeddings, judgments and exact-path rankings into {@link BiasObservation}s: a
 * ranking is emitted once the modality of its query (from the query's embedding of the same model version), of each
 * of its top-10 candidates and of every gold candidate is known, and its judgment has arrived; until then it waits in
 * state (a later ranking of the same model version and query replaces it). Candidate embeddings are passed on as
 * {@link BiasObservation#CANDIDATE} observations for the epoch's centroids.
 *
 * <p><b>Target modality</b> of a query: the modality shared by all its gold candidates (in a mixed pool the gold is the
 * item in the instructed modality), else the task's declared target modality (judgment).
 *
 * <p><b>State</b>: candidate modalities (id to symbol), query embeddings per model version, judgments and waiting
 * rankings of one (task, epoch); every entry lives {@code stateTtl} after its last write (zero: forever), which also
 * bounds rankings that never complete (e.g. a candidate that was dead-lettered).
 */
public class BiasJoinFunction extends KeyedProcessFunction<String, BiasInput, BiasObservation> {
    private static final long serialVersionUID = 1L;

    private final Duration stateTtl;
    private transient MapState<String, String> candidateModality;
    private transient MapState<String, BenchEmbedding> queries;
    private transient MapState<String, BenchJudgment> judgments;
    private transient MapState<String, BiasInput> waiting;

    public BiasJoinFunction(Duration stateTtl) {
        this.stateTtl = stateTtl;
    }

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<String, String> modalities = new MapStateDescriptor<>("candidate-modality", Types.STRING,
                Types.STRING);
        MapStateDescriptor<String, BenchEmbedding> q = new MapStateDescriptor<>("query-embeddings", Types.STRING,
                Types.POJO(BenchEmbedding.class));
        MapStateDescriptor<String, BenchJudgment> j = new MapStateDescriptor<>("judgments", Types.STRING,
                Types.POJO(BenchJudgment.class));
        MapStateDescriptor<String, BiasInput> w = new MapStateDescriptor<>("waiting-rankings", Types.STRING,
                Types.POJO(BiasInput.class));
        if (!stateTtl.isZero()) {
            StateTtlConfig ttl = StateTtlConfig.newBuilder(stateTtl).updateTtlOnCreateAndWrite().neverReturnExpired()
                    .cleanupIncrementally(16, false).build();
            modalities.enableTimeToLive(ttl);
            q.enableTimeToLive(ttl);
            j.enableTimeToLive(ttl);
            w.enableTimeToLive(ttl);
        }
        candidateModality = getRuntimeContext().getMapState(modalities);
        queries = getRuntimeContext().getMapState(q);
        judgments = getRuntimeContext().getMapState(j);
        waiting = getRuntimeContext().getMapState(w);
    }

    static String queryKey(String modelVersion, String queryItemId) {
        return modelVersion + "\u0000" + queryItemId;
    }

    @Override
    public void processElement(BiasInput in, Context ctx, Collector<BiasObservation> out) throws Exception {
        switch (in.kind) {
            case BiasInput.EMBEDDING -> {
                BenchEmbedding e = in.embedding;
                if (e.vector == null || e.modality == null || e.isDeadLetter()) {
                    return;
                }
                if (e.isQuery()) {
                    queries.put(queryKey(e.modelVersion, e.itemId), e);
                } else {
                    candidateModality.put(e.itemId, e.modality);
                    BiasObservation c = new BiasObservation();
                    c.kind = BiasObservation.CANDIDATE;
                    c.modelId = e.modelId;
                    c.modelVersion = e.modelVersion;
                    c.taskId = e.taskId;
                    c.epoch = e.epoch;
                    c.eventTimeMs = e.eventTimeMs;
                    c.modality = e.modality;
                    c.vector = e.vector;
                    out.collect(c);
                }
                retryWaiting(out);
            }
            case BiasInput.JUDGMENT -> {
                judgments.put(in.judgment.queryItemId, in.judgment);
                retryWaiting(out);
            }
            case BiasInput.RANKING -> {
                BiasObservation o = resolve(in);
                if (o != null) {
                    out.collect(o);
                } else {
                    waiting.put(queryKey(in.modelVersion, in.queryItemId), in);
                }
            }
            default -> throw new IllegalArgumentException("unknown bias input kind " + in.kind);
        }
    }

    private void retryWaiting(Collector<BiasObservation> out) throws Exception {
        if (waiting.isEmpty()) {
            return;
        }
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, BiasInput> w : waiting.entries()) {
            BiasObservation o = resolve(w.getValue());
            if (o != null) {
                out.collect(o);
                done.add(w.getKey());
            }
        }
        for (String k : done) {
            waiting.remove(k);
        }
    }

    /** The observation of a ranking, or null while something it needs has not arrived. */
    private BiasObservation resolve(BiasInput r) throws Exception {
        BenchEmbedding query = queries.get(queryKey(r.modelVersion, r.queryItemId));
        BenchJudgment judgment = judgments.get(r.queryItemId);
        if (query == null || judgment == null) {
            return null;
        }
        List<String> goldIds = new ArrayList<>();
        for (int i = 0; i < judgment.goldIds.length; i++) {
            if (judgment.goldRelevance[i] > 0 && !goldIds.contains(judgment.goldIds[i])) {
                goldIds.add(judgment.goldIds[i]);
            }
        }
        String[] goldModalities = new String[goldIds.size()];
        Set<String> distinctGold = new HashSet<>();
        for (int i = 0; i < goldModalities.length; i++) {
            goldModalities[i] = candidateModality.get(goldIds.get(i));
            if (goldModalities[i] == null) {
                return null;
            }
            distinctGold.add(goldModalities[i]);
        }
        String[] resultModalities = new String[r.topIds.length];
        for (int i = 0; i < resultModalities.length; i++) {
            resultModalities[i] = candidateModality.get(r.topIds[i]);
            if (resultModalities[i] == null) {
                return null;
            }
        }
        BiasObservation o = new BiasObservation();
        o.kind = BiasObservation.QUERY;
        o.modelId = r.modelId;
        o.modelVersion = r.modelVersion;
        o.taskId = r.taskId;
        o.epoch = r.epoch;
        o.eventTimeMs = r.eventTimeMs;
        o.modality = query.modality;
        o.vector = query.vector;
        o.queryItemId = r.queryItemId;
        o.targetModality = distinctGold.size() == 1 ? distinctGold.iterator().next() : judgment.targetModality;
        o.goldIds = goldIds.toArray(new String[0]);
        o.goldModalities = goldModalities;
        o.resultIds = r.topIds;
        o.resultModalities = resultModalities;
        o.resultScores = r.topScores;
        return o;
    }
}
