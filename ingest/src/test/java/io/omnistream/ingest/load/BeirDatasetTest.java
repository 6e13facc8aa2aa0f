package io.omnistream.ingest.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.ingest.TestData;
import io.omnistream.ingest.validate.MediaTypes;
import io.omnistream.ingest.validate.MediaValidator;
import io.omnistream.ingest.validate.Validated;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BeirDatasetTest {
    private final BeirDataset dbpedia = new BeirDataset(TestData.data("beir-dbpedia"));

    @Test
    void countsOfTheDbpediaSubset() throws Exception {
        Set<String> ids;
        try (Stream<Document> docs = dbpedia.documents()) {
            ids = docs.map(Document::id).collect(Collectors.toSet());
        }
        assertThat(ids).hasSize(5000).contains("<dbpedia:Oceanic_Airlines>");
        assertThat(dbpedia.allQueries()).hasSize(50);
        List<Query> queries = dbpedia.queries();
        assertThat(queries).as("only 40 of the 50 queries have judgments in test.tsv").hasSize(40);
        List<Qrel> qrels = dbpedia.qrels();
        assertThat(qrels).hasSize(3709); // 3710 lines minus the header
        assertThat(qrels).extracting(Qrel::relevance).containsOnly(0, 1, 2);
        assertThat(qrels.get(0)).isEqualTo(new Qrel("INEX_LD-2010019", "<dbpedia:Ancient_Roman_architecture>", 0));
        Set<String> queryIds = queries.stream().map(Query::id).collect(Collectors.toSet());
        assertThat(qrels).allMatch(q -> queryIds.contains(q.queryId()));
        assertThat(qrels).allMatch(q -> ids.contains(q.docId()));
    }

    @Test
    void documentsCarryTitleAndBodyAndBecomeValidTextEvents() throws Exception {
        MediaValidator validator = new MediaValidator(1 << 20, 100_000, "default", new MediaTypes(), Clock.systemUTC());
        try (Stream<Document> docs = dbpedia.documents()) {
            docs.forEach(d -> {
                assertThat(d.text()).startsWith(d.title());
                Validated v = validator.validate(d.toMediaRequest("", "bulk-loader"), "bulk-loader");
                assertThat(v).as("doc %s", d.id()).isInstanceOf(Validated.Accepted.class);
            });
        }
    }
}
