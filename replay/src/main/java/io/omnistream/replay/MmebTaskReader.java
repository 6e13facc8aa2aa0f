package io.omnistream.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.schemas.avro.Modality;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * MMEB image-style tasks from JSONL, one record per query:
 * <pre>{"qry_inst": "...", "qry_text": "...", "qry_img_path": "coco-mini/val2017/x.jpg",
 *  "tgt_inst": "...", "tgt_text": ["gold", "distractor", ...], "tgt_img_path": ["", "", ...]}</pre>
 *
 * <ul>
 *   <li>Target {@code i} is ({@code tgt_text[i]}, {@code tgt_img_path[i]}); a missing or shorter list reads as empty
 *       strings; a plain string instead of a list is a one-element list. Element 0 is the gold target (relevance 1).</li>
 *   <li>Modality per side: an image path present means IMAGE (with the text, if any, as accompanying text), else TEXT.
 *       Other media use {@code qry_media_path} + {@code qry_modality} and {@code tgt_media_path[]} +
 *       {@code tgt_modality[]} (VIDEO, AUDIO, DOCUMENT, or IMAGE), which win over the image fields.
 *       Placeholder tokens such as {@code <|image_1|>} are removed from texts.</li>
 *   <li><b>Candidate ids</b> are derived from the content, so one target shared by several records is one candidate:
 *       {@code c} + the first 16 hex digits of SHA-256 over the modality letter (i/t), the image path <i>as written
 *       in the file</i> (relative to the image root, so ids do not depend on where the data lives), a 0 byte and the
 *       text. Within a record duplicate targets collapse to one (first position wins).</li>
 *   <li><b>Query ids</b>: the record's {@code qry_id} or {@code id} field if present, else {@code q<line index>}
 *       (0-based over non-blank lines), so ids are stable for a given file.</li>
 *   <li>Scope LOCAL: each query keeps its own candidate list (gold first); scope GLOBAL: candidate lists are null and
 *       every query is ranked against the union of all records' targets. Either way {@link #candidates()} yields the
 *       union once, in order of first appearance.</li>
 *   <li>Per-record {@code qry_inst} is the query's instruction (when blank: the definition's query instruction,
 *       else the first non-blank {@code qry_inst} in the file). The task's candidate
 *       instruction is the definition's, else the first non-blank {@code tgt_inst}.</li>
 * </ul>
 * Image paths are resolved under the declared image root and must stay inside it. The file is parsed once and held:
 * memory is the distinct candidates plus every query's id list (a 1,000 x 1,000 MMEB retrieval task is about a
 * million short id references); the media bytes are never read here.
 */
public final class MmebTaskReader implements TaskItems {
    private final List<BenchQuery> queries;
    private final Map<String, BenchItem> candidates;
    private final String firstQueryInstruction;
    private final String firstTargetInstruction;
    private final Modality firstQueryModality;
    private final Modality firstTargetModality;

    private MmebTaskReader(List<BenchQuery> queries, Map<String, BenchItem> candidates, String qi, String ti,
                           Modality qm, Modality tm) {
        this.queries = queries;
        this.candidates = candidates;
        this.firstQueryInstruction = qi;
        this.firstTargetInstruction = ti;
        this.firstQueryModality = qm;
        this.firstTargetModality = tm;
    }

    /**
     * Reads an MMEB JSONL task.
     *
     * @param queryModality        declared query modality, or null to take the first record's
     * @param targetModality       declared target modality, or null to take the first record's gold target's
     * @param queryInstruction     default query instruction, or null to take the first non-blank {@code qry_inst}
     * @param candidateInstruction candidate instruction, or null to take the first non-blank {@code tgt_inst}
     * @param primaryMetric        null for the meta-task's default
     */
    public static BenchmarkTask read(String taskId, Path jsonl, Path imageRoot, MetaTask metaTask, RankingScope scope,
                                     Modality queryModality, Modality targetModality, String queryInstruction,
                                     String candidateInstruction, String primaryMetric) throws IOException {
        MmebTaskReader r = parse(jsonl, imageRoot, scope, queryInstruction);
        Modality qm = queryModality != null ? queryModality : r.firstQueryModality;
        Modality tm = targetModality != null ? targetModality : r.firstTargetModality;
        String qi = queryInstruction != null ? queryInstruction : r.firstQueryInstruction;
        String ci = candidateInstruction != null ? candidateInstruction : r.firstTargetInstruction;
        return new BenchmarkTask(taskId, metaTask, qm, tm, qi, ci, primaryMetric, scope, r);
    }

    private static MmebTaskReader parse(Path jsonl, Path imageRoot, RankingScope scope, String defaultInstruction)
            throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<BenchQuery> queries = new ArrayList<>();
        Map<String, BenchItem> candidates = new LinkedHashMap<>();
        String qi = null;
        String ti = null;
        Modality qm = null;
        Modality tm = null;
        try (BufferedReader in = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            int index = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String where = jsonl + ":" + lineNo;
                JsonNode n;
                try {
                    n = json.readTree(line);
                } catch (IOException e) {
                    throw new IOException(where + ": malformed JSON", e);
                }
                String qryInst = clean(n.path("qry_inst").asText(""));
                String tgtInst = clean(n.path("tgt_inst").asText(""));
                if (qi == null && qryInst != null) {
                    qi = qryInst;
                }
                if (ti == null && tgtInst != null) {
                    ti = tgtInst;
                }
                String qText = clean(n.path("qry_text").asText(""));
                String qImg = clean(n.path("qry_img_path").asText(""));
                String qMedia = clean(n.path("qry_media_path").asText(""));
                Modality qMediaModality = modality(clean(n.path("qry_modality").asText("")), where, "qry_modality");
                if (qMedia != null) {
                    if (qMediaModality == null || qMediaModality == Modality.TEXT) {
                        throw new IOException(where + ": qry_media_path needs qry_modality (IMAGE, VIDEO, AUDIO or DOCUMENT)");
                    }
                    qImg = null;
                } else {
                    qMediaModality = qImg == null ? null : Modality.IMAGE;
                    qMedia = qImg;
                }
                if (qText == null && qMedia == null) {
                    throw new IOException(where + ": query has neither qry_text nor qry_img_path / qry_media_path");
                }
                List<String> texts = list(n.get("tgt_text"));
                List<String> imgs = list(n.get("tgt_img_path"));
                List<String> medias = list(n.get("tgt_media_path"));
                List<String> mediaModalities = list(n.get("tgt_modality"));
                int targets = Math.max(Math.max(texts.size(), imgs.size()), medias.size());
                if (targets == 0) {
                    throw new IOException(where + ": record has no targets (tgt_text, tgt_img_path and tgt_media_path empty)");
                }
                Set<String> own = new LinkedHashSet<>();
                for (int i = 0; i < targets; i++) {
                    String text = clean(i < texts.size() ? texts.get(i) : "");
                    String path = clean(i < imgs.size() ? imgs.get(i) : "");
                    Modality mediaModality = path == null ? null : Modality.IMAGE;
                    String media = clean(i < medias.size() ? medias.get(i) : "");
                    if (media != null) {
                        mediaModality = modality(clean(i < mediaModalities.size() ? mediaModalities.get(i) : ""),
                                where, "tgt_modality[" + i + "]");
                        if (mediaModality == null || mediaModality == Modality.TEXT) {
                            throw new IOException(where + ": tgt_media_path[" + i + "] needs tgt_modality[" + i
                                    + "] (IMAGE, VIDEO, AUDIO or DOCUMENT)");
                        }
                        path = media;
                    }
                    if (text == null && path == null) {
                        throw new IOException(where + ": target " + i + " has neither text nor a media path");
                    }
                    String id = candidateId(text, path, mediaModality);
                    own.add(id);
                    if (!candidates.containsKey(id)) {
                        candidates.put(id, item(id, text, path, mediaModality, imageRoot));
                    }
                    if (i == 0 && tm == null) {
                        tm = candidates.get(id).modality();
                    }
                }
                String gold = own.iterator().next();
                String id = n.hasNonNull("qry_id") ? n.get("qry_id").asText()
                        : n.hasNonNull("id") ? n.get("id").asText() : "q" + index;
                Modality modality = qMedia == null ? Modality.TEXT : qMediaModality;
                if (qm == null) {
                    qm = modality;
                }
                Path media = qMedia == null ? null : MediaFiles.resolveUnder(imageRoot, qMedia);
                queries.add(new BenchQuery(id, modality, qText, media, qryInst != null ? qryInst : defaultInstruction,
                        List.of(new GoldCandidate(gold, 1)),
                        scope == RankingScope.LOCAL ? new ArrayList<>(own) : null));
                index++;
            }
        }
        if (queries.isEmpty()) {
            throw new IOException(jsonl + ": no records");
        }
        String fallback = defaultInstruction != null ? defaultInstruction : qi;
        if (fallback != null) {
            queries.replaceAll(q -> q.instruction() != null ? q : new BenchQuery(q.itemId(), q.modality(), q.text(),
                    q.mediaPath(), fallback, q.gold(), q.candidateIds()));
        }
        return new MmebTaskReader(Collections.unmodifiableList(queries), Collections.unmodifiableMap(candidates),
                qi, ti, qm, tm);
    }

    private static BenchItem item(String id, String text, String path, Modality modality, Path imageRoot) {
        if (path == null) {
            return BenchItem.text(id, text);
        }
        Path file = MediaFiles.resolveUnder(imageRoot, path);
        return new BenchItem(id, modality, text, file, MediaFiles.mimeHint(file));
    }

    private static Modality modality(String name, String where, String field) throws IOException {
        if (name == null) {
            return null;
        }
        try {
            return Modality.valueOf(name.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": unknown " + field + " '" + name + "'");
        }
    }

    /** The content-derived candidate id described in the class comment (TEXT or IMAGE targets). */
    public static String candidateId(String text, String imagePath) {
        return candidateId(text, imagePath, imagePath == null ? null : Modality.IMAGE);
    }

    /**
     * The content-derived candidate id of a target: its modality letter ({@code t} text, {@code i} image, {@code d}
     * document, {@code v} video, {@code a} audio), media path and text; text and image ids are unchanged from the
     * image-only format.
     */
    public static String candidateId(String text, String mediaPath, Modality mediaModality) {
        String t = clean(text == null ? "" : text);
        String i = clean(mediaPath == null ? "" : mediaPath);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update((byte) (i == null ? 't' : Character.toLowerCase(mediaModality.name().charAt(0))));
        sha.update((i == null ? "" : i).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update((t == null ? "" : t).getBytes(StandardCharsets.UTF_8));
        return "c" + HexFormat.of().formatHex(sha.digest(), 0, 8);
    }

    private static List<String> list(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            return List.of(node.asText(""));
        }
        List<String> out = new ArrayList<>(node.size());
        node.forEach(e -> out.add(e.isNull() ? "" : e.asText("")));
        return out;
    }

    /** Removes image placeholder tokens and surrounding whitespace; null when nothing is left. */
    static String clean(String s) {
        if (s == null) {
            return null;
        }
        String t = s.replaceAll("<\\|image_\\d+\\|>", "").strip();
        return t.isEmpty() ? null : t;
    }

    @Override
    public Stream<BenchItem> candidates() {
        return candidates.values().stream();
    }

    @Override
    public List<BenchQuery> queries() {
        return queries;
    }
}
