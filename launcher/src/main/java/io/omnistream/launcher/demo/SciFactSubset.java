package io.omnistream.launcher.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.ingest.load.Document;
import io.omnistream.ingest.load.Qrel;
import io.omnistream.ingest.load.Query;
import io.omnistream.ingest.load.SciFactCorpus;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A reproducible SciFact subset that keeps test claims answerable, and its BEIR directory.
 *
 * <p>The first N abstracts in corpus order cite almost no test claim completely (none for N &le; 1000), so a subset of
 * N abstracts is chosen as: the test claims in file order, each taken while the documents it cites still fit in half
 * of N (together with those of the claims before it); then distractors, the other abstracts ordered by a seeded hash
 * of their id ({@link SciFactDemo#goldPlusDistractors}'s order), up to N. <b>Scored claims</b> are exactly the claims
 * whose cited documents are all in the subset, judged against those documents (relevance 1). The same N always gives
 * the same subset, so {@code ./omnistream replay --beir <dir>} scores the same corpus and claims.
 *
 * <p>Scores on a subset are higher than on the full corpus (fewer distractors) and are not comparable with published
 * full-corpus figures. N &le; 0 means the whole corpus and every claim with evidence (BEIR's SciFact test set).
 */
public record SciFactSubset(List<Document> documents, List<Query> claims, List<Qrel> judgments) {
    /** Seed of the distractor order (fixed: the subset of a given size never changes). */
    public static final long SEED = 42;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The subset of {@code limit} abstracts described above (the whole corpus when {@code limit <= 0}). */
    public static SciFactSubset of(SciFactCorpus corpus, int limit) throws IOException {
        List<Document> all;
        try (var docs = corpus.documents()) {
            all = docs.toList();
        }
        Map<String, List<Qrel>> cited = new LinkedHashMap<>();
        corpus.qrels().forEach(q -> cited.computeIfAbsent(q.queryId(), k -> new ArrayList<>()).add(q));
        Set<String> pool = new LinkedHashSet<>();
        List<Document> chosen;
        if (limit <= 0 || limit >= all.size()) {
            chosen = all;
            all.forEach(d -> pool.add(d.id()));
        } else {
            for (List<Qrel> qrels : cited.values()) {
                Set<String> grown = new LinkedHashSet<>(pool);
                qrels.forEach(q -> grown.add(q.docId()));
                if (grown.size() > limit / 2) {
                    break;
                }
                pool.addAll(grown);
            }
            Set<String> gold = Set.copyOf(pool);
            all.stream().filter(d -> !gold.contains(d.id()))
                    .sorted(Comparator.comparingLong(d -> SciFactDemo.mix(SEED, d.id())))
                    .limit(limit - pool.size()).forEach(d -> pool.add(d.id()));
            chosen = all.stream().filter(d -> pool.contains(d.id())).toList();
        }
        List<Query> claims = new ArrayList<>();
        List<Qrel> judgments = new ArrayList<>();
        for (Query claim : corpus.queries()) {
            List<Qrel> qrels = cited.getOrDefault(claim.id(), List.of());
            if (!qrels.isEmpty() && qrels.stream().allMatch(q -> pool.contains(q.docId()))) {
                claims.add(claim);
                judgments.addAll(qrels);
            }
        }
        return new SciFactSubset(chosen, claims, judgments);
    }

    /**
     * Writes the subset as a BEIR directory ({@code corpus.jsonl}, {@code queries.jsonl}, {@code qrels/test.tsv}), the
     * layout {@code ./omnistream replay --beir DIR} reads; the task id is the directory's name.
     */
    public Path writeBeir(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("qrels"));
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("corpus.jsonl"))) {
            for (Document d : documents) {
                out.write(JSON.writeValueAsString(Map.of("_id", d.id(), "title", d.title(), "text", d.body())));
                out.newLine();
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("queries.jsonl"))) {
            for (Query q : claims) {
                out.write(JSON.writeValueAsString(Map.of("_id", q.id(), "text", q.text())));
                out.newLine();
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("qrels/test.tsv"))) {
            out.write("query-id\tcorpus-id\tscore\n");
            for (Qrel q : judgments) {
                out.write(q.queryId() + "\t" + q.docId() + "\t" + q.relevance() + "\n");
            }
        }
        return dir;
    }
}
