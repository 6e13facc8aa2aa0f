package io.omnistream.ingest.load;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * SciFact (Wadden et al. 2020, CC BY-NC 2.0) read straight from the {@code scifact.zip} CSV export: the BEIR/MTEB
 * SciFact test task.
 *
 * <ul>
 *   <li>Corpus: {@code corpus_train.csv} (doc_id, title, abstract, structured), 5,183 documents. The abstract column
 *       is the printed NumPy array of the abstract's sentences ({@code ['s1'\n 's2']}); sentences are decoded as Python
 *       string literals ({@link PythonStringList}) and joined with one space, as BEIR built its SciFact corpus.</li>
 *   <li>Queries: {@code claims_validation.csv}, one row per (claim, evidence); the 300 distinct claim ids in file
 *       order.</li>
 *   <li>Judgments: each claim's {@code cited_doc_ids} (printed NumPy int array, e.g. {@code [ 5152028 11705328]}),
 *       de-duplicated per claim, relevance 1: 339 pairs, BEIR's SciFact test qrels. Claims without evidence still
 *       count their cited documents, as BEIR does.</li>
 * </ul>
 * CSV is parsed with Jackson's RFC 4180 CSV reader (quoted fields span lines).
 */
public final class SciFactCorpus implements RetrievalDataset {
    static final String CORPUS_ENTRY = "corpus_train.csv";
    static final String CLAIMS_ENTRY = "claims_validation.csv";
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private final Path zip;
    private final CsvMapper csv = new CsvMapper();

    public SciFactCorpus(Path zip) {
        this.zip = zip;
    }

    @Override
    public String name() {
        return "scifact";
    }

    @Override
    public Stream<Document> documents() throws IOException {
        ZipFile file = new ZipFile(zip.toFile());
        try {
            MappingIterator<Map<String, String>> rows = rows(file, CORPUS_ENTRY);
            Stream<Document> stream = StreamSupport.stream(
                    Spliterators.spliteratorUnknownSize(rows, Spliterator.ORDERED | Spliterator.NONNULL), false)
                    .map(SciFactCorpus::document);
            return stream.onClose(() -> {
                try {
                    rows.close();
                    file.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static Document document(Map<String, String> row) {
        String id = required(row, "doc_id");
        List<String> sentences;
        try {
            sentences = PythonStringList.parse(required(row, "abstract"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SciFact doc " + id + ": cannot parse abstract: " + e.getMessage(), e);
        }
        return new Document(id, required(row, "title"), String.join(" ", sentences));
    }

    @Override
    public List<Query> queries() throws IOException {
        Map<String, String> claims = new LinkedHashMap<>();
        readClaims((id, claim, cited) -> claims.putIfAbsent(id, claim));
        List<Query> out = new ArrayList<>(claims.size());
        claims.forEach((id, claim) -> out.add(new Query(id, claim)));
        return out;
    }

    @Override
    public List<Qrel> qrels() throws IOException {
        Map<String, Set<String>> cited = new LinkedHashMap<>();
        readClaims((id, claim, docs) -> cited.computeIfAbsent(id, k -> new LinkedHashSet<>()).addAll(docs));
        List<Qrel> out = new ArrayList<>();
        cited.forEach((id, docs) -> docs.forEach(d -> out.add(new Qrel(id, d, 1))));
        return out;
    }

    private interface ClaimRow {
        void accept(String id, String claim, List<String> citedDocIds);
    }

    private void readClaims(ClaimRow sink) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile());
             MappingIterator<Map<String, String>> rows = rows(file, CLAIMS_ENTRY)) {
            while (rows.hasNext()) {
                Map<String, String> row = rows.next();
                List<String> docs = new ArrayList<>();
                Matcher m = DIGITS.matcher(required(row, "cited_doc_ids"));
                while (m.find()) {
                    docs.add(m.group());
                }
                sink.accept(required(row, "id"), required(row, "claim"), docs);
            }
        }
    }

    private MappingIterator<Map<String, String>> rows(ZipFile file, String name) throws IOException {
        ZipEntry entry = file.stream().filter(e -> e.getName().equals(name) || e.getName().endsWith("/" + name))
                .findFirst().orElseThrow(() -> new IOException(zip + " has no entry " + name));
        InputStream in = file.getInputStream(entry);
        return csv.readerForMapOf(String.class).with(CsvSchema.emptySchema().withHeader()).readValues(in);
    }

    private static String required(Map<String, String> row, String column) {
        String v = row.get(column);
        if (v == null) {
            throw new IllegalArgumentException("SciFact row lacks column " + column + ": " + row.keySet());
        }
        return v;
    }
}
