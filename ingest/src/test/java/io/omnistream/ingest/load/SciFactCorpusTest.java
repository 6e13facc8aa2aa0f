package io.omnistream.ingest.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.ingest.TestData;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SciFactCorpusTest {
    private final SciFactCorpus scifact = new SciFactCorpus(TestData.data("scifact/scifact.zip"));

    /**
     * Golden digest computed independently in Python: csv.DictReader over corpus_train.csv, each abstract's string
     * literals decoded with ast.literal_eval, text = (title + " " + " ".join(sentences)).strip(), then SHA-256 over
     * "doc_id\ttext\n" for every row in file order.
     */
    @Test
    void corpusMatchesAnIndependentPythonParse() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Set<String> ids = new HashSet<>();
        long[] count = {0};
        try (Stream<Document> docs = scifact.documents()) {
            docs.forEach(d -> {
                count[0]++;
                ids.add(d.id());
                digest.update((d.id() + "\t" + d.text() + "\n").getBytes(StandardCharsets.UTF_8));
            });
        }
        assertThat(count[0]).isEqualTo(5183);
        assertThat(ids).hasSize(5183);
        assertThat(HexFormat.of().formatHex(digest.digest()))
                .isEqualTo("53ce68b24410fc5291dcec7d6e4abc4e52a4e4468430c08240f161da6623536a");
    }

    @Test
    void firstDocumentIsTitlePlusSentences() throws Exception {
        Document first;
        try (Stream<Document> docs = scifact.documents()) {
            first = docs.findFirst().orElseThrow();
        }
        assertThat(first.id()).isEqualTo("4983");
        assertThat(first.title()).startsWith("Microstructural development of human newborn cerebral white matter");
        assertThat(first.body()).startsWith("Alterations of the architecture of cerebral white matter in the developing "
                + "human brain can affect cortical development and result in functional disabilities. A line scan");
        assertThat(first.body()).doesNotContain("['").doesNotContain("'\n '");
        assertThat(first.text()).isEqualTo(first.title() + " " + first.body());
    }

    @Test
    void validationClaimsAreTheBeirTestSplit() throws Exception {
        List<Query> queries = scifact.queries();
        assertThat(queries).hasSize(300);
        assertThat(queries.stream().map(Query::id).distinct()).hasSize(300);
        assertThat(queries.get(0)).isEqualTo(new Query("1", "0-dimensional biomaterials show inductive properties."));
        List<Qrel> qrels = scifact.qrels();
        assertThat(qrels).hasSize(339);
        assertThat(qrels).allMatch(q -> q.relevance() == 1);
        assertThat(qrels.stream().map(q -> q.queryId() + "/" + q.docId()).distinct()).hasSize(339);
        // "[ 5152028 11705328]": two cited documents, leading space in the NumPy print
        assertThat(qrels.stream().filter(q -> q.queryId().equals("36")).map(Qrel::docId))
                .containsExactly("5152028", "11705328");
        Set<String> queryIds = queries.stream().map(Query::id).collect(Collectors.toSet());
        assertThat(qrels).allMatch(q -> queryIds.contains(q.queryId()));
    }

    @Test
    void everyJudgedDocumentIsInTheCorpus() throws Exception {
        Set<String> ids;
        try (Stream<Document> docs = scifact.documents()) {
            ids = docs.map(Document::id).collect(Collectors.toSet());
        }
        assertThat(scifact.qrels()).allMatch(q -> ids.contains(q.docId()));
    }
}
