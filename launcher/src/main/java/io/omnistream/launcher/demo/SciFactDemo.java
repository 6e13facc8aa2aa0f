package io.omnistream.launcher.demo;

import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.ingest.load.BulkLoader;
import io.omnistream.ingest.load.Document;
import io.omnistream.ingest.load.Query;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.ingest.validate.MediaRequest;
import io.omnistream.launcher.cli.Progress;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.launcher.stack.PipelineProbe;
import io.omnistream.launcher.stack.RunningPipeline;
import io.omnistream.milvus.config.MilvusSinkConfig;
import io.omnistream.milvus.search.SearchHit;
import io.omnistream.replay.evaluate.OfflineEvaluator;
import io.omnistream.replay.evaluate.OfflineMetrics;
import io.omnistream.search.SemanticSearch;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads SciFact abstracts through the ingest HTTP API of a running pipeline ({@link EmbeddedStack} or the multi-process stack), waits until every one is
 * searchable in Milvus, and runs sample claim searches. Shared by {@code ./omnistream demo} and the integration tests.
 */
public final class SciFactDemo {
    /** Content ids are the SciFact doc ids with this prefix, so several corpora can share a collection. */
    public static final String ID_PREFIX = "scifact-";

    /** What a run measured; written as the demo's --summary JSON. */
    public record Summary(long ingested, long rowsInMilvus, long distinctIds, long duplicateRows, long dlq,
                          long rejected, double seconds, double itemsPerSecond, long lastSearchableMs,
                          String model, String modelVersion, String executionProvider) {
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("ingested", ingested);
            json.put("rows_in_milvus", rowsInMilvus);
            json.put("distinct_ids", distinctIds);
            json.put("duplicate_rows", duplicateRows);
            json.put("dlq", dlq);
            json.put("rejected", rejected);
            json.put("seconds", seconds);
            json.put("items_per_second", itemsPerSecond);
            json.put("last_searchable_ms", lastSearchableMs);
            json.put("model", model);
            json.put("model_version", modelVersion);
            json.put("execution_provider", executionProvider);
            return json;
        }
    }

    private final RunningPipeline pipeline;
    private final SemanticSearch search;
    private final SciFactCorpus corpus;
    private final PrintStream out;

    public SciFactDemo(EmbeddedStack stack, Path scifactZip, PrintStream out) {
        this(stack, stack.search(), scifactZip, out);
    }

    /**
     * @param search the searches of {@link #evaluate} and {@link #sampleSearches}; null where the caller has no encoder
     *               in its JVM (the multi-process stack), and then those two methods are not available
     */
    public SciFactDemo(RunningPipeline pipeline, SemanticSearch search, Path scifactZip, PrintStream out) {
        this.pipeline = pipeline;
        this.search = search;
        this.corpus = new SciFactCorpus(scifactZip);
        this.out = out;
    }

    private SemanticSearch search() {
        if (search == null) {
            throw new IllegalStateException("no search in this JVM (the pipeline runs in other processes)");
        }
        return search;
    }

    public SciFactCorpus corpus() {
        return corpus;
    }

    /** The first {@code limit} abstracts in corpus order (all if limit <= 0). */
    public List<Document> documents(int limit) throws IOException {
        try (Stream<Document> all = corpus.documents()) {
            return (limit > 0 ? all.limit(limit) : all).toList();
        }
    }

    /**
     * A retrieval subset that keeps the test claims answerable: every document cited by a test claim, plus distractors
     * chosen deterministically (by a seeded hash of the id) until {@code total} documents. Scores on it are higher
     * than on the full corpus (fewer distractors), so they are not comparable with published full-corpus figures.
     */
    public List<Document> goldPlusDistractors(int total, long seed) throws IOException {
        java.util.Set<String> gold = new java.util.HashSet<>();
        corpus.qrels().forEach(q -> gold.add(q.docId()));
        List<Document> all = documents(0);
        List<Document> subset = new java.util.ArrayList<>(all.stream().filter(d -> gold.contains(d.id())).toList());
        all.stream().filter(d -> !gold.contains(d.id()))
                .sorted(java.util.Comparator.comparingLong(d -> mix(seed, d.id())))
                .limit(Math.max(0, total - subset.size()))
                .forEach(subset::add);
        return subset;
    }

    static long mix(long seed, String id) {
        long h = seed ^ id.hashCode() * 0x9E3779B97F4A7C15L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }

    /** Ingests the given documents through the HTTP API and waits until all are searchable. */
    public Summary ingestAndWait(List<Document> documents, Duration timeout) throws IOException, InterruptedException {
        List<MediaRequest> requests = documents.stream().map(d -> d.toMediaRequest(ID_PREFIX, "scifact-demo")).toList();
        List<String> ids = requests.stream().map(MediaRequest::contentId).toList();

        long start = System.nanoTime();
        Progress bar = new Progress("ingest", requests.size(), out);
        BulkLoader loader = new BulkLoader(pipeline.ingestUri(), 64, 4, 5, Duration.ofSeconds(60), pipeline.apiKey());
        BulkLoader.Result loaded = loader.load(requests.iterator(), requests.size(), p -> bar.update(p.done()));
        long loadedAt = System.nanoTime();
        out.printf("ingest API accepted %d (duplicates %d, rejected %d) in %.1f s; waiting until searchable...%n",
                loaded.accepted(), loaded.duplicates(), loaded.rejected(), (loadedAt - start) / 1e9);

        try (PipelineProbe probe = new PipelineProbe(pipeline.bootstrapServers())) {
            probe.awaitDrained(pipeline, EncoderWorkerConfig.GROUP_ID.defaultValue(),
                    MilvusSinkConfig.SINK_GROUP_ID.defaultValue(), timeout, out);
            long searchableAt = System.nanoTime();
            Map<String, Long> rows = pipeline.rowsPerContentId(ids);
            long distinct = rows.values().stream().filter(n -> n > 0).count();
            long total = rows.values().stream().mapToLong(Long::longValue).sum();
            double seconds = (searchableAt - start) / 1e9;
            return new Summary(loaded.accepted() + loaded.duplicates(), total, distinct, total - distinct,
                    probe.recordCount(pipeline.dlqTopic()), loaded.rejected(), seconds, ids.size() / seconds,
                    (searchableAt - loadedAt) / 1_000_000, pipeline.modelId(), pipeline.modelVersion(),
                    pipeline.executionProvider());
        }
    }

    /**
     * Searches all 300 test claims in Milvus (top {@code k}, k &gt;= 10) and scores the rankings against the cited
     * documents with the offline reference metrics ({@link OfflineMetrics#NAMES}: hit@k, ndcg@k, recall@k, mrr@10).
     *
     * @return metric name to mean over the claims, plus {@code "queries"}
     */
    public Map<String, Object> evaluate(int k) throws IOException {
        Map<String, Map<String, Integer>> judgments = new java.util.HashMap<>();
        corpus.qrels().forEach(q -> judgments.computeIfAbsent(q.queryId(), x -> new java.util.HashMap<>())
                .put(ID_PREFIX + q.docId(), q.relevance()));
        List<OfflineEvaluator.Ranking> rankings = new java.util.ArrayList<>();
        for (Query query : corpus.queries()) {
            List<Map.Entry<String, Double>> scored = search().search(pipeline.tenant(), query.text(), k).stream()
                    .map(h -> Map.entry(h.contentId(), (double) h.score())).toList();
            rankings.add(new OfflineEvaluator.Ranking("scifact", query.id(), 0, "served", scored));
        }
        return OfflineEvaluator.evaluate(rankings, Map.of("scifact", judgments), 0).get("scifact").get("served");
    }

    /** Runs the first {@code n} SciFact test claims as searches and prints the top hits with titles. */
    public void sampleSearches(int n, int k) throws IOException {
        Map<String, String> titles = titles(corpus);
        Map<String, List<String>> gold = new LinkedHashMap<>();
        corpus.qrels().forEach(q -> gold.computeIfAbsent(q.queryId(), x -> new java.util.ArrayList<>()).add(ID_PREFIX + q.docId()));
        List<Query> queries = corpus.queries();
        for (Query query : queries.subList(0, Math.min(n, queries.size()))) {
            out.println();
            out.println("claim " + query.id() + ": " + query.text());
            List<SearchHit> hits = search().search(pipeline.tenant(), query.text(), k);
            for (SearchHit hit : hits) {
                boolean isGold = gold.getOrDefault(query.id(), List.of()).contains(hit.contentId());
                out.printf("  %s %.4f  %-16s %s%n", isGold ? "*" : " ", hit.score(), hit.contentId(),
                        abbreviate(titles.getOrDefault(hit.contentId(), ""), 90));
            }
        }
        out.println("(* = cited by the claim, i.e. a gold document)");
    }

    /** Titles by content id ({@link #ID_PREFIX} + SciFact doc id), for printing hits. */
    public static Map<String, String> titles(SciFactCorpus corpus) throws IOException {
        Map<String, String> titles = new java.util.HashMap<>();
        try (Stream<Document> docs = corpus.documents()) {
            docs.forEach(d -> titles.put(ID_PREFIX + d.id(), d.title()));
        }
        return titles;
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
