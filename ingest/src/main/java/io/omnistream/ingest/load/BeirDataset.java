package io.omnistream.ingest.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A dataset in BEIR's directory layout: {@code corpus.jsonl} ({@code {"_id","title","text"}} per line),
 * {@code queries.jsonl} ({@code {"_id","text"}}) and {@code qrels/<split>.tsv} (header {@code query-id corpus-id score},
 * tab-separated, graded relevance; 0 rows are kept because nDCG counts them as judged non-relevant).
 *
 * <p>As BEIR's {@code GenericDataLoader} does, {@link #queries()} returns only the queries that have judgments in the
 * split ({@link #allQueries()} returns every line of queries.jsonl). In the shared DBpedia subset queries.jsonl has 50
 * queries but test.tsv judges only 40 of them, so evaluation uses 40. Ids are taken verbatim (DBpedia's look like {@code <dbpedia:Ancient_Roman_architecture>}).
 */
public final class BeirDataset implements RetrievalDataset {
    private final Path dir;
    private final String split;
    private final ObjectMapper json = new ObjectMapper();

    /** @param split qrels file name without extension, usually "test" */
    public BeirDataset(Path dir, String split) {
        this.dir = dir;
        this.split = split;
    }

    public BeirDataset(Path dir) {
        this(dir, "test");
    }

    @Override
    public String name() {
        return dir.getFileName().toString();
    }

    @Override
    public Stream<Document> documents() throws IOException {
        BufferedReader reader = Files.newBufferedReader(dir.resolve("corpus.jsonl"), StandardCharsets.UTF_8);
        return reader.lines().filter(l -> !l.isBlank()).map(line -> {
            JsonNode n = parse(line, "corpus.jsonl");
            return new Document(text(n, "_id"), n.path("title").asText(""), text(n, "text"));
        }).onClose(() -> {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public List<Query> queries() throws IOException {
        Set<String> judged = new LinkedHashSet<>();
        for (Qrel q : qrels()) {
            judged.add(q.queryId());
        }
        return readQueries(judged);
    }

    /** Every query in queries.jsonl, judged or not. */
    public List<Query> allQueries() throws IOException {
        return readQueries(null);
    }

    private List<Query> readQueries(Set<String> judged) throws IOException {
        List<Query> out = new ArrayList<>();
        try (Stream<String> lines = Files.lines(dir.resolve("queries.jsonl"), StandardCharsets.UTF_8)) {
            lines.filter(l -> !l.isBlank()).forEach(line -> {
                JsonNode n = parse(line, "queries.jsonl");
                String id = text(n, "_id");
                if (judged == null || judged.contains(id)) {
                    out.add(new Query(id, text(n, "text")));
                }
            });
        }
        return out;
    }

    @Override
    public List<Qrel> qrels() throws IOException {
        Path file = dir.resolve("qrels").resolve(split + ".tsv");
        List<Qrel> out = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            if (header == null || !header.startsWith("query-id")) {
                throw new IOException(file + ": expected header 'query-id corpus-id score', got " + header);
            }
            String line;
            int lineNo = 1;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length != 3) {
                    throw new IOException(file + ":" + lineNo + ": expected 3 tab-separated fields, got " + f.length);
                }
                try {
                    out.add(new Qrel(f[0], f[1], Integer.parseInt(f[2].trim())));
                } catch (NumberFormatException e) {
                    throw new IOException(file + ":" + lineNo + ": score is not an integer: " + f[2], e);
                }
            }
        }
        return out;
    }

    private JsonNode parse(String line, String file) {
        try {
            return json.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(dir.resolve(file) + ": malformed JSON line", e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("BEIR line lacks '" + field + "': " + n);
        }
        return v.asText();
    }
}
