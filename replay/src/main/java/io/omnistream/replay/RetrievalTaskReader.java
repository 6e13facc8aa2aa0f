package io.omnistream.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.ingest.load.BeirDataset;
import io.omnistream.ingest.load.Document;
import io.omnistream.ingest.load.Qrel;
import io.omnistream.ingest.load.Query;
import io.omnistream.ingest.load.RetrievalDataset;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.schemas.avro.Modality;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Tasks over a {@link RetrievalDataset} (BEIR directory, SciFact zip, MMEB visual-document corpus in BEIR layout):
 * GLOBAL ranking over the whole corpus, graded gold from the qrels.
 *
 * <ul>
 *   <li>Queries: only judged ones ({@link BeirDataset#queries()}: DBpedia subset 40 of 50; SciFact 300), each with the
 *       task's query instruction.</li>
 *   <li>Gold: every qrel row of the query in file order, relevance as graded. <b>Relevance-0 rows are kept</b> as
 *       judged-non-relevant ({@link GoldCandidate#relevant()} is false), exactly as BEIR's qrels and pytrec_eval hold
 *       them: nDCG gives them gain 0, so keeping them changes no nDCG value, and consumers must (as the Judgment
 *       schema says) count only relevance &gt; 0 as relevant.</li>
 *   <li>Candidates: the corpus, streamed (never held), text = {@link Document#text()} (title + " " + body).</li>
 *   <li>Visual documents ({@code targetModality} DOCUMENT/IMAGE): a corpus line may carry a page file in
 *       {@code image_path} / {@code image} / {@code path}, resolved under {@code mediaRoot}; such a candidate has the
 *       target modality, the page file as media and the line's title/text as accompanying text. A line without a
 *       page file falls back to a TEXT candidate.</li>
 * </ul>
 */
public final class RetrievalTaskReader implements TaskItems {
    private static final List<String> MEDIA_FIELDS = List.of("image_path", "image", "path");

    private final RetrievalDataset dataset;
    private final Path corpusJsonl;
    private final Path mediaRoot;
    private final Modality targetModality;
    private final String queryInstruction;
    private final ObjectMapper json = new ObjectMapper();

    private RetrievalTaskReader(RetrievalDataset dataset, Path corpusJsonl, Path mediaRoot, Modality targetModality,
                                String queryInstruction) {
        this.dataset = dataset;
        this.corpusJsonl = corpusJsonl;
        this.mediaRoot = mediaRoot;
        this.targetModality = targetModality;
        this.queryInstruction = queryInstruction;
    }

    /** A BEIR text task (metaTask BEIR, TEXT to TEXT, ndcg@10, GLOBAL). */
    public static BenchmarkTask beir(String taskId, Path dir, String split, String queryInstruction) {
        RetrievalTaskReader items = new RetrievalTaskReader(new BeirDataset(dir, split), null, null, Modality.TEXT,
                queryInstruction);
        return new BenchmarkTask(taskId, MetaTask.BEIR, Modality.TEXT, Modality.TEXT, queryInstruction, null,
                MetaTask.BEIR.defaultPrimaryMetric(), RankingScope.GLOBAL, items);
    }

    /** SciFact from {@code scifact.zip} (BEIR's SciFact test set: 300 claims, 339 gold pairs, 5,183 abstracts). */
    public static BenchmarkTask scifact(String taskId, Path zip, String queryInstruction) {
        RetrievalTaskReader items = new RetrievalTaskReader(new SciFactCorpus(zip), null, null, Modality.TEXT,
                queryInstruction);
        return new BenchmarkTask(taskId, MetaTask.BEIR, Modality.TEXT, Modality.TEXT, queryInstruction, null,
                MetaTask.BEIR.defaultPrimaryMetric(), RankingScope.GLOBAL, items);
    }

    /**
     * A retrieval task in BEIR layout with any declared classification; with a non-TEXT {@code targetModality} page
     * files named in corpus.jsonl are resolved under {@code mediaRoot} (defaults to {@code dir}).
     */
    public static BenchmarkTask beirLayout(String taskId, Path dir, String split, MetaTask metaTask,
                                           Modality queryModality, Modality targetModality, String queryInstruction,
                                           String candidateInstruction, String primaryMetric, Path mediaRoot) {
        boolean media = targetModality != Modality.TEXT;
        RetrievalTaskReader items = new RetrievalTaskReader(new BeirDataset(dir, split),
                media ? dir.resolve("corpus.jsonl") : null, mediaRoot == null ? dir : mediaRoot, targetModality,
                queryInstruction);
        return new BenchmarkTask(taskId, metaTask, queryModality, targetModality, queryInstruction,
                candidateInstruction, primaryMetric, RankingScope.GLOBAL, items);
    }

    @Override
    public Stream<BenchItem> candidates() throws IOException {
        if (corpusJsonl == null) {
            return dataset.documents().map(d -> BenchItem.text(d.id(), d.text()));
        }
        BufferedReader reader = Files.newBufferedReader(corpusJsonl, StandardCharsets.UTF_8);
        return reader.lines().filter(l -> !l.isBlank()).map(this::mediaDocument).onClose(() -> {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private BenchItem mediaDocument(String line) {
        JsonNode n;
        try {
            n = json.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(corpusJsonl + ": malformed JSON line", e);
        }
        String id = n.path("_id").asText(null);
        if (id == null) {
            throw new IllegalArgumentException(corpusJsonl + ": line lacks _id: " + line);
        }
        String text = new Document(id, n.path("title").asText(""), n.path("text").asText("")).text();
        for (String f : MEDIA_FIELDS) {
            String rel = n.path(f).asText("");
            if (!rel.isBlank()) {
                Path file = MediaFiles.resolveUnder(mediaRoot, rel);
                return new BenchItem(id, targetModality, text.isEmpty() ? null : text, file, MediaFiles.mimeHint(file));
            }
        }
        return BenchItem.text(id, text);
    }

    @Override
    public List<BenchQuery> queries() throws IOException {
        Map<String, List<GoldCandidate>> gold = new LinkedHashMap<>();
        for (Qrel q : dataset.qrels()) {
            gold.computeIfAbsent(q.queryId(), k -> new ArrayList<>()).add(new GoldCandidate(q.docId(), q.relevance()));
        }
        List<BenchQuery> out = new ArrayList<>();
        for (Query q : dataset.queries()) {
            List<GoldCandidate> g = gold.get(q.id());
            if (g != null) {
                out.add(new BenchQuery(q.id(), Modality.TEXT, q.text(), null, queryInstruction, g, null));
            }
        }
        return out;
    }
}
