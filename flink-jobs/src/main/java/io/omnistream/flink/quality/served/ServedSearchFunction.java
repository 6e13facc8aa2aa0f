package io.omnistream.flink.quality.served;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.omnistream.flink.quality.BenchJudgment;
import io.omnistream.flink.quality.QueryScore;
import io.omnistream.flink.quality.RetrievalQualityFunction;
import io.omnistream.flink.quality.metrics.QueryMetrics;
import io.omnistream.flink.quality.metrics.RankedList;
import io.omnistream.flink.quality.metrics.ScoredCandidate;
import io.omnistream.milvus.collection.CollectionManager;
import io.omnistream.milvus.collection.IndexSettings;
import io.omnistream.milvus.config.MilvusConnection;
import io.omnistream.milvus.search.Filters;
import io.omnistream.milvus.search.SearchHit;
import io.omnistream.milvus.search.VectorSearcher;
import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.runtime.error.FailureKind;
import io.omnistream.schemas.avro.BenchmarkRole;
import io.omnistream.schemas.bench.BenchContentIds;
import io.omnistream.schemas.quality.QualityVocabulary;
import io.omnistream.schemas.tenant.Tenants;
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
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served path: searches an exactly scored query again in Milvus, the way users are served, restricted to the
 * task's candidates, and scores the hits with the same metrics ({@link QueryScore#SERVED}).
 *
 * <p><b>Restriction to the task.</b> GLOBAL tasks filter on the epoch's candidate content-id prefix
 * ({@code task_id == T and content_id like "bench:T:E:c:%"}); LOCAL tasks on the query's own list
 * ({@code content_id in [...]}). Hit ids are mapped back to item ids with {@link BenchContentIds#parse}.
 *
 * <p><b>Waiting for the sink.</b> The exact path fires when the candidates are complete <em>in Kafka</em>; the Milvus
 * sink may not have written them yet. Before searching, the function counts the rows matching the filter and, while
 * fewer than {@code candidateCount}, polls again every {@code pollInterval} until {@code completenessTimeout}; a
 * (model version, task, epoch) seen complete once is not counted again. A query still incomplete at the deadline,
 * or whose search keeps failing transiently until then, produces no served score (logged, counted in the
 * {@code servedGaveUp} Flink counter): the served figure then has a smaller n than the exact one, visibly, rather
 * than being computed against a partial pool. A permanent error ({@link FailureClassifier}) fails the job.
 *
 * <p>Top-k = min(topK, candidateCount); the metrics at cutoffs <= 10 need only the top 10, recall denominators come
 * from the judgments. Milvus returns float COSINE scores; ties are ordered by {@code RankedList.RANK_ORDER}, as on the
 * exact path.
 */
public class ServedSearchFunction extends RichAsyncFunction<QueryScore, QueryScore> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ServedSearchFunction.class);

    private final String milvusUri;
    private final String milvusToken;
    private final long requestTimeoutMs;
    private final int searchEf;
    private final int topK;
    private final long completenessTimeoutMs;
    private final long pollIntervalMs;

    private transient MilvusClientV2 client;
    private transient VectorSearcher searcher;
    private transient ScheduledExecutorService executor;
    private transient Map<String, Boolean> completeSets;
    private transient Counter gaveUp;

    /**
     * @param topK                hits fetched per query (>= 10 for the @10 metrics to be exact)
     * @param completenessTimeout how long a query waits for the sink to have written its candidates
     * @param pollInterval        wait between two row counts while waiting
     */
    public ServedSearchFunction(MilvusConnection milvus, int searchEf, int topK, Duration completenessTimeout,
            Duration pollInterval) {
        if (topK < 10) {
            throw new IllegalArgumentException("topK must be >= 10 (the metrics go to @10), got " + topK);
        }
        this.milvusUri = milvus.uri();
        this.milvusToken = milvus.token();
        this.requestTimeoutMs = milvus.requestTimeout().toMillis();
        this.searchEf = searchEf;
        this.topK = topK;
        this.completenessTimeoutMs = completenessTimeout.toMillis();
        this.pollIntervalMs = Math.max(1, pollInterval.toMillis());
    }

    @Override
    public void open(OpenContext openContext) {
        client = new MilvusConnection(milvusUri, milvusToken, Duration.ofMillis(requestTimeoutMs)).open();
        searcher = new VectorSearcher(client, new CollectionManager(client, IndexSettings.DEFAULT), searchEf,
                ConsistencyLevel.STRONG);
        executor = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "served-search");
            t.setDaemon(true);
            return t;
        });
        completeSets = new ConcurrentHashMap<>();
        gaveUp = getRuntimeContext().getMetricGroup().counter("servedGaveUp");
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
        if (client != null) {
            client.close();
        }
    }

    @Override
    public void asyncInvoke(QueryScore exact, ResultFuture<QueryScore> result) {
        long deadline = System.currentTimeMillis() + completenessTimeoutMs;
        executor.execute(() -> attempt(exact, result, deadline));
    }

    @Override
    public void timeout(QueryScore exact, ResultFuture<QueryScore> result) {
        giveUp(exact, result, "the async I/O timeout expired");
    }

    private void attempt(QueryScore exact, ResultFuture<QueryScore> result, long deadline) {
        BenchJudgment j = exact.judgment;
        try {
            String filter = filter(j);
            String setKey = exact.modelVersion + "\u0000" + filter;
            if (!completeSets.containsKey(setKey)) {
                long rows = searcher.count(exact.modelVersion, filter);
                if (rows < j.candidateCount) {
                    retryOrGiveUp(exact, result, deadline, "Milvus holds " + rows + " of " + j.candidateCount
                            + " candidates");
                    return;
                }
                if (j.isGlobal()) {
                    completeSets.put(setKey, Boolean.TRUE);
                }
            }
            List<SearchHit> hits = searcher.search(exact.modelVersion, exact.queryVector,
                    Math.min(topK, j.candidateCount), filter);
            result.complete(List.of(score(exact, hits)));
        } catch (RuntimeException e) {
            if (FailureClassifier.classify(e) == FailureKind.TRANSIENT) {
                retryOrGiveUp(exact, result, deadline, e.toString());
            } else {
                result.completeExceptionally(e);
            }
        }
    }

    private void retryOrGiveUp(QueryScore exact, ResultFuture<QueryScore> result, long deadline, String why) {
        if (System.currentTimeMillis() + pollIntervalMs > deadline) {
            giveUp(exact, result, why);
        } else {
            executor.schedule(() -> attempt(exact, result, deadline), pollIntervalMs, TimeUnit.MILLISECONDS);
        }
    }

    private void giveUp(QueryScore exact, ResultFuture<QueryScore> result, String why) {
        gaveUp.inc();
        LOG.warn("served path: no score for query {} of task {} epoch {} (model version {}) after {} ms: {}",
                exact.queryItemId, exact.taskId, exact.epoch, exact.modelVersion, completenessTimeoutMs, why);
        result.complete(List.of());
    }

    /**
     * The Milvus filter restricting a search to the query's candidates, always within the reserved benchmark tenant
     * ({@link Tenants#BENCHMARK}: its own partition), so users' rows never enter a served score whatever ids they use.
     */
    public static String filter(BenchJudgment j) {
        String benchmarkRows = Filters.tenantIs(Tenants.BENCHMARK);
        if (j.isGlobal()) {
            String prefix = BenchContentIds.rolePrefix(j.taskId, j.epoch, BenchmarkRole.CANDIDATE);
            // '%' and '_' are LIKE wildcards; task ids are plain (a ':'-free id), and the exact task_id test keeps
            // another task whose id matches the pattern out.
            return Filters.and(benchmarkRows, Filters.and(Filters.taskIs(j.taskId),
                    "content_id like " + Filters.quote(prefix + "%")));
        }
        List<String> ids = new ArrayList<>(j.candidateIds.length);
        for (String item : j.candidateIds) {
            ids.add(BenchContentIds.contentId(j.taskId, j.epoch, BenchmarkRole.CANDIDATE, item));
        }
        return Filters.and(benchmarkRows, Filters.contentIdIn(ids));
    }

    /** Scores the served hits of {@code exact}'s query. */
    static QueryScore score(QueryScore exact, List<SearchHit> hits) {
        Map<String, ScoredCandidate> byItem = new LinkedHashMap<>();
        for (SearchHit hit : hits) {
            Optional<BenchContentIds.Parsed> id = BenchContentIds.parse(hit.contentId());
            if (id.isPresent()) {
                byItem.putIfAbsent(id.get().itemId(), new ScoredCandidate(id.get().itemId(), hit.score()));
            }
        }
        RankedList ranking = RankedList.of(new ArrayList<>(byItem.values()));
        QueryScore served = RetrievalQualityFunction.queryScore(QualityVocabulary.PATH_SERVED, exact.modelId, exact.modelVersion,
                exact.judgment, exact.queryItemId, exact.eventTimeMs, ranking,
                QueryMetrics.compute(ranking, exact.judgment.judgments()));
        served.candidateCount = exact.judgment.candidateCount;
        return served;
    }
}
