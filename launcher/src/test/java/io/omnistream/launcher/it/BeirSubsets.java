package io.omnistream.launcher.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.ingest.load.BeirDataset;
import io.omnistream.ingest.load.Document;
import io.omnistream.ingest.load.Qrel;
import io.omnistream.ingest.load.Query;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Small BEIR directories cut from a real BEIR dataset in ../shared/data, for quick replays in the integration tests. */
final class BeirSubsets {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BeirSubsets() {
    }

    /** A cut: its BEIR directory, its queries and the ids of its documents. */
    record Subset(Path dir, List<Query> queries, Set<String> pool) {}

    /**
     * The first {@code queries} DBpedia queries of ../shared/data and, of each, its first {@code docsPerQuery} judged
     * entities (qrels order), written as a BEIR directory at {@code dir}.
     */
    static Subset firstJudged(Path dir, int queries, int docsPerQuery) throws IOException {
        BeirDataset dbpedia = new BeirDataset(SharedStack.sharedData().resolve("beir-dbpedia"));
        List<Query> first = dbpedia.queries().subList(0, queries);
        Map<String, Map<String, Integer>> qrels = judgments(dbpedia);
        Set<String> pool = new java.util.LinkedHashSet<>();
        for (Query q : first) {
            qrels.getOrDefault(q.id(), Map.of()).keySet().stream().limit(docsPerQuery).forEach(pool::add);
        }
        return new Subset(write(dir, dbpedia, first, pool, qrels), first, pool);
    }

    /** The dataset's judgments: query id → (document id → relevance), in qrels order. */
    static Map<String, Map<String, Integer>> judgments(BeirDataset dataset) throws IOException {
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        for (Qrel q : dataset.qrels()) {
            qrels.computeIfAbsent(q.queryId(), k -> new LinkedHashMap<>()).put(q.docId(), q.relevance());
        }
        return qrels;
    }

    /**
     * Writes {@code dir} as a BEIR directory (corpus.jsonl, queries.jsonl, qrels/test.tsv) holding the given queries,
     * the documents of {@code pool}, and the judgments of those queries on those documents.
     */
    static Path write(Path dir, BeirDataset dataset, List<Query> queries, Collection<String> pool,
            Map<String, Map<String, Integer>> judgments) throws IOException {
        Set<String> documents = Set.copyOf(pool);
        Files.createDirectories(dir.resolve("qrels"));
        try (BufferedWriter corpus = Files.newBufferedWriter(dir.resolve("corpus.jsonl"));
             Stream<Document> docs = dataset.documents()) {
            for (Document d : (Iterable<Document>) docs.filter(d -> documents.contains(d.id()))::iterator) {
                corpus.write(JSON.writeValueAsString(Map.of("_id", d.id(), "title", d.title(), "text", d.body())));
                corpus.newLine();
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("queries.jsonl"))) {
            for (Query q : queries) {
                out.write(JSON.writeValueAsString(Map.of("_id", q.id(), "text", q.text())));
                out.newLine();
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("qrels/test.tsv"))) {
            out.write("query-id\tcorpus-id\tscore\n");
            for (Query q : queries) {
                for (var e : judgments.getOrDefault(q.id(), Map.of()).entrySet()) {
                    if (documents.contains(e.getKey())) {
                        out.write(q.id() + "\t" + e.getKey() + "\t" + e.getValue() + "\n");
                    }
                }
            }
        }
        return dir;
    }
}
