package io.omnistream.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.ingest.TestData;
import io.omnistream.schemas.avro.Modality;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrievalTaskReaderTest {
    static final String BGE = "Represent this sentence for searching relevant passages: ";

    @Test
    void scifactHas300Claims5183AbstractsAnd339GoldPairs() {
        BenchmarkTask task = RetrievalTaskReader.scifact("scifact", TestData.data("scifact/scifact.zip"), BGE);
        assertThat(task.metaTask()).isEqualTo(MetaTask.BEIR);
        assertThat(task.primaryMetric()).isEqualTo("ndcg@10");
        assertThat(task.scope()).isEqualTo(RankingScope.GLOBAL);

        List<BenchQuery> queries = task.queries();
        assertThat(queries).hasSize(300);
        assertThat(queries.stream().mapToInt(q -> q.gold().size()).sum()).isEqualTo(339);
        assertThat(queries).allSatisfy(q -> {
            assertThat(q.candidateIds()).isNull();
            assertThat(q.instruction()).isEqualTo(BGE);
            assertThat(q.modality()).isEqualTo(Modality.TEXT);
            assertThat(q.text()).isNotBlank();
            assertThat(q.gold()).isNotEmpty().allSatisfy(g -> assertThat(g.relevance()).isEqualTo(1));
        });
        Set<String> ids;
        try (Stream<BenchItem> c = task.candidates()) {
            ids = c.peek(i -> {
                assertThat(i.modality()).isEqualTo(Modality.TEXT);
                assertThat(i.text()).isNotBlank();
            }).map(BenchItem::itemId).collect(Collectors.toSet());
        }
        assertThat(ids).hasSize(5183);
        assertThat(task.candidatePoolSize()).isEqualTo(5183);
        // every gold document is in the pool
        assertThat(queries.stream().flatMap(q -> q.gold().stream()).map(GoldCandidate::candidateId)).allMatch(ids::contains);
    }

    @Test
    void dbpediaKeepsGradedRelevanceIncludingZero() {
        BenchmarkTask task = RetrievalTaskReader.beir("dbpedia", TestData.data("beir-dbpedia"), "test", BGE);
        assertThat(task.candidatePoolSize()).isEqualTo(5000);
        List<BenchQuery> queries = task.queries();
        assertThat(queries).hasSize(40); // 50 in queries.jsonl, 40 judged in test.tsv
        Map<Integer, Long> byGrade = queries.stream().flatMap(q -> q.gold().stream())
                .collect(Collectors.groupingBy(GoldCandidate::relevance, Collectors.counting()));
        assertThat(byGrade).containsExactlyInAnyOrderEntriesOf(Map.of(0, 2829L, 1, 614L, 2, 266L));
        assertThat(queries).allSatisfy(q -> assertThat(q.relevant()).allMatch(g -> g.relevance() > 0));
        assertThat(queries.stream().mapToInt(q -> q.relevant().size()).sum()).isEqualTo(614 + 266);
    }

    @Test
    void visualDocumentTaskInBeirLayoutResolvesPageFiles(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("corpus.jsonl"), """
                {"_id": "p1", "title": "", "text": "", "image_path": "pages/p1.png"}
                {"_id": "p2", "title": "Annual report", "text": "page two", "image": "pages/p2.png"}
                {"_id": "p3", "title": "", "text": "text only page"}
                """, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("queries.jsonl"), """
                {"_id": "q1", "text": "revenue 2020"}
                {"_id": "q2", "text": "unjudged"}
                """, StandardCharsets.UTF_8);
        Files.createDirectories(dir.resolve("qrels"));
        Files.writeString(dir.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\tp2\t2\nq1\tp1\t1\nq1\tp3\t0\n");
        BenchmarkTask task = RetrievalTaskReader.beirLayout("vd", dir, "test", MetaTask.VISDOC, Modality.TEXT,
                Modality.DOCUMENT, "Find a document page that answers the question.", null,
                MetaTask.VISDOC.defaultPrimaryMetric(), null);
        assertThat(task.primaryMetric()).isEqualTo("ndcg@5");
        assertThat(task.metaTask().displayName()).isEqualTo("VisDoc");
        Map<String, BenchItem> items;
        try (Stream<BenchItem> s = task.candidates()) {
            items = s.collect(Collectors.toMap(BenchItem::itemId, Function.identity()));
        }
        assertThat(items.get("p1").modality()).isEqualTo(Modality.DOCUMENT);
        assertThat(items.get("p1").mediaPath()).isEqualTo(dir.toAbsolutePath().resolve("pages/p1.png"));
        assertThat(items.get("p1").mimeHint()).isEqualTo("image/png");
        assertThat(items.get("p1").text()).isNull();
        assertThat(items.get("p2").text()).isEqualTo("Annual report page two");
        assertThat(items.get("p3").modality()).isEqualTo(Modality.TEXT);
        List<BenchQuery> queries = task.queries();
        assertThat(queries).singleElement().satisfies(q -> {
            assertThat(q.itemId()).isEqualTo("q1");
            assertThat(q.gold()).containsExactly(new GoldCandidate("p2", 2), new GoldCandidate("p1", 1),
                    new GoldCandidate("p3", 0));
        });
    }
}
